import { cleanMessage, htmlToText, sanitizeMessageHtml } from "@helperiq/core/html/sanitize";
import { describe, expect, it } from "vitest";

/** XSS vectors: none may leave a script, an event handler, a frame or a dangerous URL behind. */
const XSS: string[] = [
  `<script>alert(1)</script>`,
  `<SCRIPT SRC=//evil.example/x.js></SCRIPT>`,
  `<img src=x onerror=alert(1)>`,
  `<img src="javascript:alert(1)">`,
  `<a href="javascript:alert(1)">x</a>`,
  `<a href="JaVaScRiPt:alert(1)">x</a>`,
  `<a href="java&#x73;cript:alert(1)">x</a>`,
  `<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>`,
  `<a href=" javascript:alert(1)">x</a>`,
  `<a href="vbscript:msgbox(1)">x</a>`,
  `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`,
  `<img src="data:image/svg+xml;base64,PHN2Zz48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+">`,
  `<svg onload=alert(1)><script>alert(1)</script></svg>`,
  `<iframe src="https://evil.example"></iframe>`,
  `<object data="https://evil.example/x.swf"></object><embed src="x.swf">`,
  `<body onload=alert(1)>hi</body>`,
  `<div onmouseover="alert(1)" style="background:url(javascript:alert(1))">hover</div>`,
  `<style>@import 'https://evil.example/x.css';</style>`,
  `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
  `<p><a href="//evil.example">protocol-relative</a></p>`,
  `<form action="https://evil.example"><input name=x><button formaction=javascript:alert(1)>go</button></form>`,
  `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
  `<base href="javascript:alert(1)//">`,
  `<details open ontoggle=alert(1)>`,
  `<scr<script>ipt>alert(1)</scr</script>ipt>`,
  `<a href="https://ok.example" onclick="alert(1)" target="_top">x</a>`,
  `<img src="/uploadsx/../../etc/passwd"><img src="/api/v1/agents">`,
  `<img src="/uploads/../logout"><img src="/uploads/%2e%2e/logout"><img src="/uploads/%2F..%2Flogout">`,
  `<img src="/uploads\\..\\logout"><img src="//evil.example/x.png"><img src="/UPLOADS/../logout">`,
  `<img src="https:../logout"><a href="/logout">x</a><a href="../../logout">y</a>`,
];

const UPLOAD = "3f1c2b9e-8d4a-4c1f-9e2b-7a6d5c4b3a21";

/** Paths that a browser resolves on the app's own origin to something other than one upload. */
const SAME_ORIGIN_PATHS: string[] = [
  "/uploads/../logout",
  "/uploads/../../logout",
  `/uploads/${UPLOAD}/../../logout`,
  "/uploads/%2e%2e/logout",
  "/uploads/%2E%2E/logout",
  "/uploads/.%2e/logout",
  "/uploads/%2F../logout",
  "/uploads/..%2flogout",
  "/uploads/..%5clogout",
  "/uploads\\..\\logout",
  "\\uploads\\..\\logout",
  "/uploads/..\\logout",
  "/UPLOADS/../logout",
  `/Uploads/${UPLOAD}`,
  `/uploads/${UPLOAD.toUpperCase()}`,
  "/uploads/&#46;&#46;/logout",
  "/upl&#9;oads/../logout",
  `/uploads/${UPLOAD}?next=/logout`,
  `/uploads/${UPLOAD}?exp=1&sig=x&then=/logout`,
  `/uploads/${UPLOAD}#/../../logout`,
  `/uploads/${UPLOAD};/../../logout`,
  "/logout",
  "logout",
  "./logout",
  "../logout",
  "?logout",
  "#logout",
  "//evil.example/x.png",
  "\\\\evil.example/x.png",
  "/\\evil.example/x.png",
  "https:../logout",
  "https:/logout",
  "HTTP:logout",
  "https:///logout",
  "https:\\\\evil.example/x.png",
  "/api/v1/agents/me",
];

const DANGEROUS =
  /<script|<iframe|<object|<embed|<style|<svg|<form|<input|<meta|<base|<math|\son\w+\s*=|javascript:|vbscript:|data:|href="\/\/|(?:src|href)="(?!https?:\/\/[^/\\]|mailto:|cid:|\/uploads\/[0-9a-f-]{36}(?:"|\?exp=))|logout/i;

describe("message HTML sanitising", () => {
  it(`neutralises ${XSS.length} XSS vectors`, () => {
    expect(XSS.length).toBeGreaterThanOrEqual(15);
    for (const vector of XSS) {
      const { content } = cleanMessage(vector);
      expect(content, vector).not.toMatch(DANGEROUS);
      // Idempotent: a second pass changes nothing.
      expect(sanitizeMessageHtml(content)).toBe(content);
    }
  });

  it("keeps formatting, lists, tables, quotes and code", () => {
    const html =
      `<h2>Title</h2><p><b>bold</b> <strong>s</strong> <i>i</i> <em>e</em> <u>u</u> <s>s</s><br>next</p>` +
      `<ul><li>one</li></ul><ol start="3"><li>three</li></ol>` +
      `<table><thead><tr><th scope="col">h</th></tr></thead><tbody><tr><td colspan="2">c</td></tr></tbody></table>` +
      `<blockquote>quoted</blockquote><pre><code>const x = 1;</code></pre>`;
    expect(sanitizeMessageHtml(html)).toBe(html.replace("<br>", "<br />"));
  });

  it("keeps http, https and mailto links with rel=noopener", () => {
    expect(sanitizeMessageHtml(`<a href="https://x.example/a?b=1&amp;c=2" target="_blank">x</a>`)).toBe(
      `<a href="https://x.example/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">x</a>`,
    );
    expect(sanitizeMessageHtml(`<a href="mailto:a@b.example">m</a>`)).toBe(
      `<a href="mailto:a@b.example" rel="noopener noreferrer">m</a>`,
    );
    expect(sanitizeMessageHtml(`<a href="ftp://x.example" rel="opener">f</a>`)).toBe(
      `<a rel="noopener noreferrer">f</a>`,
    );
  });

  it("keeps images from http(s), our uploads and cid: parts only", () => {
    const ok = `<img src="https://x.example/a.png" alt="a" /><img src="/uploads/${UPLOAD}" /><img src="cid:part1@mail" />`;
    expect(sanitizeMessageHtml(ok)).toBe(ok);
    expect(sanitizeMessageHtml(`<p>a<img src="/etc/x.png">b<img src="ftp://x/y.png"></p>`)).toBe("<p>ab</p>");
  });

  it("keeps canonical upload paths, signed or not, in images and links", () => {
    const signed = `/uploads/${UPLOAD}?exp=1790000000&amp;sig=${"A".repeat(42)}w`;
    const html = `<p><img src="${signed}" /><a href="/uploads/${UPLOAD}" rel="noopener noreferrer">invoice.pdf</a></p>`;
    expect(sanitizeMessageHtml(html)).toBe(html);
  });

  // Each would make the browser of an agent viewing the message request another route of the app with
  // their session (`GET /logout` signs them out): only `/uploads/<uuid>` exactly as the server writes it passes.
  it.each(SAME_ORIGIN_PATHS)("drops the same-origin URL %s from images and links", (url) => {
    expect(sanitizeMessageHtml(`<p>a<img src="${url}">b</p>`)).toBe("<p>ab</p>");
    expect(sanitizeMessageHtml(`<p><a href="${url}">x</a></p>`)).toBe(`<p><a rel="noopener noreferrer">x</a></p>`);
  });

  it("turns HTML into text: tags stripped, entities decoded, whitespace collapsed", () => {
    expect(
      htmlToText(
        `<p>Hello&nbsp;&amp; <b>welcome</b></p>\n\n<p>2 &lt; 3 &quot;ok&quot; &#39;q&#39; &eacute;</p><script>bad()</script>`,
      ),
    ).toBe(`Hello & welcome 2 < 3 "ok" 'q' é`);
    expect(htmlToText(`<ul><li>one</li><li>two</li></ul><table><tr><td>a</td><td>b</td></tr></table>`)).toBe(
      "one two a b",
    );
    expect(htmlToText("")).toBe("");
  });
});
