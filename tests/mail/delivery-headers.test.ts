import {
  forwardSubject,
  outgoingMessageId,
  plusAddress,
  replySubject,
  threadingOf,
} from "@helperiq/core/mail-out/headers";
import { replaceUploadImages, uploadImageUuids } from "@helperiq/core/media/inline-images";
import { renderSignature } from "@helperiq/core/mail-out/signature";
import { describe, expect, it } from "vitest";

/** The pure header and body rules of outgoing mail (the shared threading contract). */
describe("outgoing headers", () => {
  it("builds the Message-ID from the message uuid and the inbox's from domain", () => {
    expect(outgoingMessageId("0b6c…", "Acme Support <Support@Acme.test>")).toBe("<0b6c…@acme.test>");
    expect(outgoingMessageId("u1", "help@example.org")).toBe("<u1@example.org>");
  });

  it("prefixes Re: and the reference tag once each; Fwd: once", () => {
    expect(replySubject("Order", 7)).toBe("Re: Order [#7]");
    expect(replySubject("re: Order", 7)).toBe("re: Order [#7]");
    expect(replySubject("Re: Order [#7]", 7)).toBe("Re: Order [#7]");
    expect(replySubject("Order [#8]", 7)).toBe("Re: Order [#8] [#7]");
    expect(replySubject("  ", 3)).toBe("Re: (no subject) [#3]");
    expect(forwardSubject("Order")).toBe("Fwd: Order");
    expect(forwardSubject("FWD: Order")).toBe("FWD: Order");
    expect(forwardSubject("Fw: Order")).toBe("Fw: Order");
  });

  it("replies to the latest Message-ID and keeps at most 20 References: the first and the most recent", () => {
    expect(threadingOf([])).toEqual({});
    expect(threadingOf(["<a@x>", "<b@x>"])).toEqual({ inReplyTo: "<b@x>", references: ["<a@x>", "<b@x>"] });
    const ids = Array.from({ length: 30 }, (_, i) => `<m${i}@x>`);
    const { inReplyTo, references } = threadingOf(ids);
    expect(inReplyTo).toBe("<m29@x>");
    expect(references).toHaveLength(20);
    expect(references![0]).toBe("<m0@x>");
    expect(references!.slice(1)).toEqual(ids.slice(11));
  });

  it("makes the per-conversation plus address, replacing an existing +tag", () => {
    expect(plusAddress("support@acme.test", "c0ffee00-0000-4000-8000-000000000000")).toBe(
      "support+c0ffee00-0000-4000-8000-000000000000@acme.test",
    );
    expect(plusAddress("support+old@acme.test", "u")).toBe("support+u@acme.test");
  });
});

describe("outgoing body", () => {
  const u1 = "11111111-2222-4333-8444-555555555555";
  const u2 = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";

  it("finds upload images (relative, absolute, signed) and swaps only the known ones for cid:", () => {
    const html = `<p><img src="/uploads/${u1}"><img alt="x" src='https://acme.helperiq.test/uploads/${u2.toUpperCase()}?exp=1&amp;sig=z'><img src="https://cdn.test/logo.png"></p>`;
    expect(uploadImageUuids(html)).toEqual([u1, u2]);
    const out = replaceUploadImages(html, new Map([[u2, `${u2}@acme.test`]]));
    expect(out).toBe(
      `<p><img src="/uploads/${u1}"><img alt="x" src='cid:${u2}@acme.test'><img src="https://cdn.test/logo.png"></p>`,
    );
  });

  it("fills the signature's placeholders HTML-escaped and sanitises it", () => {
    const sig = renderSignature(
      "<p>{{agent.full_name}} · {{ agent.email }} · {{inbox.name}} {{unknown.x}}</p><script>x()</script>",
      {
        agent: { first_name: "Bob", last_name: "<b>Evil</b>", email: "bob@acme.test" },
        inbox: { name: "Support" },
      },
    );
    expect(sig).toBe("<p>Bob &lt;b&gt;Evil&lt;/b&gt; · bob@acme.test · Support </p>");
    expect(renderSignature("", { agent: { first_name: "", last_name: "", email: "" }, inbox: { name: "" } })).toBe("");
  });
});
