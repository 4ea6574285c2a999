import { createMailProbe } from "@helperiq/adapters/mail/probe";
import { createImapMailbox } from "@helperiq/adapters/mail/imap-mailbox";
import { createInboxTransport } from "@helperiq/adapters/mail/inbox-transport";
import { MAX_REDIRECTS } from "@helperiq/adapters/net/guarded-fetch";
import { createOutboundGuard, type Resolve } from "@helperiq/adapters/net/outbound-guard";
import { seal } from "@helperiq/core/crypto/secret-box";
import type { ImapServer, SmtpServer } from "@helperiq/core/inbox/email-config";
import { pollInbox } from "@helperiq/core/mail-in/poll";
import { inboxMailStatus } from "@helperiq/core/mail-in/status";
import { beginOidcLogin, finishOidcLogin } from "@helperiq/core/oidc/login";
import { ChannelSendError } from "@helperiq/core/port/channel-mailer";
import { OutboundRefusedError } from "@helperiq/core/port/outbound";
import { inboxes, oidcProviders, ragSources } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTcpServer, isIP, type AddressInfo, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { createTenant, type TestTenant } from "../support/factories.ts";

/**
 * The outbound-connection guard (packages/adapters/src/net) with nothing allowed: every spelling of a
 * non-public address, names that resolve to one (through an injected resolver, no /etc/hosts), redirects,
 * DNS rebinding, and each place a workspace configures a destination — refused at save time with a 400
 * naming the field, and at run time with an error in words, without a connection being made.
 */

/** Answers per name, one list per lookup; the last list repeats. Unknown names do not resolve. */
function scriptedResolver(answers: Record<string, string[][]>): Resolve & { calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const resolve = (async (host: string) => {
    const n = calls.get(host) ?? 0;
    calls.set(host, n + 1);
    const script = answers[host];
    if (!script) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    return script[Math.min(n, script.length - 1)]!.map((address) => ({ address, family: isIP(address) }));
  }) as Resolve & { calls: Map<string, number> };
  resolve.calls = calls;
  return resolve;
}

type Hit = { path: string; host: string; authorization: string | undefined };
type Site = { port: number; hits: Hit[]; close(): Promise<void> };

/** An HTTP server on `address` recording every request; `routes` answer by path, anything else is a page. */
async function startSite(
  routes: Record<string, (res: ServerResponse, port: number) => void> = {},
  address = "127.0.0.1",
  port = 0,
  body = "<html><head><title>Internal</title></head><body><p>The vault code is 4242.</p></body></html>",
): Promise<Site> {
  const hits: Hit[] = [];
  let bound = 0;
  const server = createHttpServer((req: IncomingMessage, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    hits.push({ path, host: req.headers.host ?? "", authorization: req.headers.authorization });
    const route = routes[path];
    if (route) return route(res, bound);
    res.writeHead(200, { "content-type": "text/html", connection: "close" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(port, address, resolve));
  bound = (server.address() as AddressInfo).port;
  return { port: bound, hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const redirect = (location: string | ((port: number) => string)) => (res: ServerResponse, port: number) =>
  res.writeHead(302, { location: typeof location === "string" ? location : location(port) }).end();

/** A TCP service on 127.0.0.1 counting connections; `greet` is what it says first to each, then to each line. */
async function startTcp(
  greet?: (socket: Socket) => void,
): Promise<{ port: number; connections: () => number; close(): Promise<void> }> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server: Server = createTcpServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    greet?.(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => count,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const refusedBy = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected a refusal");
    },
    (err: unknown) => {
      expect(err).toBeInstanceOf(OutboundRefusedError);
      return (err as Error).message;
    },
  );

/** Every spelling of a non-public host a URL can carry, and the words its refusal must use. */
const NON_PUBLIC_HOSTS: [string, RegExp][] = [
  ["127.0.0.1", /127\.0\.0\.1 is a loopback address/],
  // In a URL the host arrives already read as 127.0.0.1; typed alone, the message shows both ("2130706433 (127.0.0.1)").
  ["2130706433", /127\.0\.0\.1\)? is a loopback address/],
  ["0x7f000001", /127\.0\.0\.1\)? is a loopback address/],
  ["0177.0.0.1", /127\.0\.0\.1\)? is a loopback address/],
  ["127.1", /127\.0\.0\.1\)? is a loopback address/],
  ["[::1]", /::1 is a loopback address/],
  ["[::ffff:127.0.0.1]", /IPv4-mapped IPv6 address/],
  ["[::ffff:7f00:1]", /IPv4-mapped IPv6 address/],
  ["[64:ff9b::7f00:1]", /NAT64 address/],
  ["localhost", /localhost is this machine/],
  ["LOCALHOST.", /localhost\. is this machine/],
  ["admin.localhost", /admin\.localhost is this machine/],
  ["0.0.0.0", /unspecified address/],
  ["[::]", /unspecified address/],
  ["169.254.169.254", /link-local address/],
  ["[fe80::1]", /link-local address/],
  ["10.0.0.1", /private network address/],
  ["172.16.5.4", /private network address/],
  ["192.168.0.1", /private network address/],
  ["[fd00::1]", /private network address/],
  ["100.64.0.1", /carrier-grade NAT address/],
  ["224.0.0.1", /multicast address/],
  ["255.255.255.255", /broadcast address/],
];

describe("the guard", () => {
  let site: Site;
  beforeAll(async () => {
    site = await startSite({
      "/to-loopback": redirect((port) => `http://127.0.0.1:${port}/secret`),
      "/to-decimal": redirect((port) => `http://2130706433:${port}/secret`),
      "/to-mapped": redirect((port) => `http://[::ffff:127.0.0.1]:${port}/secret`),
      "/to-name": redirect((port) => `http://loopback.test:${port}/secret`),
      "/to-metadata": redirect("http://169.254.169.254/latest/meta-data/"),
      "/to-file": redirect("file:///etc/passwd"),
      "/to-gopher": redirect("gopher://127.0.0.1:6379/_INFO"),
      "/loop": redirect("/loop"),
      "/hop": redirect("/landing"),
      "/to-b": redirect((port) => `http://b.test:${port}/landing`),
    });
  });
  afterAll(() => site.close());
  const resolver = () =>
    scriptedResolver({
      "site.test": [["127.0.0.1"]],
      "a.test": [["127.0.0.1"]],
      "b.test": [["127.0.0.1"]],
      "loopback.test": [["127.0.0.1"]],
      "v6.test": [["::1"]],
      "mapped.test": [["::ffff:127.0.0.1"]],
      "metadata.test": [["169.254.169.254"]],
      "lan.test": [["192.168.1.10"]],
      "cgnat.test": [["100.100.100.100"]],
      "mixed.test": [["93.184.216.34", "10.0.0.7"]],
      "public.test": [["93.184.216.34", "2606:4700::6810:84e5"]],
    });

  it("refuses every spelling of a non-public address in a URL, before connecting", async () => {
    const guard = createOutboundGuard();
    site.hits.length = 0;
    for (const [host, why] of NON_PUBLIC_HOSTS) {
      const message = await refusedBy(guard.request(`http://${host}:${site.port}/secret`));
      expect(message, host).toMatch(why);
      expect(message).toMatch(/OUTBOUND_ALLOW_HOSTS/);
      expect(await guard.refusal(host), host).toMatch(why);
    }
    expect(await guard.refusal("2130706433")).toMatch(/^2130706433 \(127\.0\.0\.1\) is a loopback address/);
    expect(await guard.refusal("0x7f000001")).toMatch(/^0x7f000001 \(127\.0\.0\.1\) is a loopback address/);
    expect(site.hits).toEqual([]);
  });

  it("refuses names that resolve to a non-public address, and a name with any such address among its answers", async () => {
    const guard = createOutboundGuard({ resolve: resolver() });
    const cases: [string, RegExp][] = [
      ["loopback.test", /^loopback\.test resolves to 127\.0\.0\.1, a loopback address/],
      ["v6.test", /^v6\.test resolves to ::1, a loopback address/],
      ["mapped.test", /^mapped\.test resolves to ::ffff:127\.0\.0\.1, an IPv4-mapped IPv6 address/],
      ["metadata.test", /^metadata\.test resolves to 169\.254\.169\.254, a link-local address/],
      ["lan.test", /^lan\.test resolves to 192\.168\.1\.10, a private network address/],
      ["cgnat.test", /^cgnat\.test resolves to 100\.100\.100\.100, a carrier-grade NAT address/],
      ["mixed.test", /^mixed\.test resolves to 10\.0\.0\.7, a private network address/],
    ];
    site.hits.length = 0;
    for (const [name, why] of cases) {
      expect(await guard.refusal(name), name).toMatch(why);
      expect(await refusedBy(guard.request(`http://${name}:${site.port}/secret`)), name).toMatch(why);
    }
    expect(site.hits).toEqual([]);
    // Public answers pass; a name that does not resolve is not refused at save time (checked again on connect).
    expect(await guard.refusal("public.test")).toBeNull();
    expect(await guard.refusal("nowhere.test")).toBeNull();
    expect(await guard.vet("public.test")).toEqual({
      host: "public.test",
      addresses: ["93.184.216.34", "2606:4700::6810:84e5"],
      servername: "public.test",
    });
  });

  it("refuses localhost with the system resolver too, and other schemes and credentials in URLs", async () => {
    const guard = createOutboundGuard();
    expect(await guard.refusal("localhost")).toMatch(/loopback name/);
    expect(await refusedBy(guard.request("file:///etc/passwd"))).toMatch(
      /^file URLs are not fetched: only http and https/,
    );
    expect(await refusedBy(guard.request("ftp://example.com/x"))).toMatch(/^ftp URLs are not fetched/);
    expect(await refusedBy(guard.request("http://user:pw@example.com/"))).toMatch(/credentials/);
    expect(await guard.refusal("evil.example@127.0.0.1")).toMatch(/is not a host name or IP address/);
  });

  it("allows what OUTBOUND_ALLOW_HOSTS lists, and only that", async () => {
    site.hits.length = 0;
    const byAddress = createOutboundGuard({ allow: "127.0.0.1" });
    expect(await (await byAddress.request(`http://127.0.0.1:${site.port}/page`)).text()).toContain("vault code");
    expect(await byAddress.refusal("[::1]")).toMatch(/loopback/);
    expect(await byAddress.refusal("localhost")).toMatch(/loopback name/);
    const byRange = createOutboundGuard({ allow: "10.0.0.0/8,fd00::/8" });
    expect(await byRange.refusal("10.9.8.7")).toBeNull();
    expect(await byRange.refusal("[fd00::1]")).toBeNull();
    expect(await byRange.refusal("127.0.0.1")).toMatch(/loopback/);
    const byName = createOutboundGuard({ allow: "site.test", resolve: resolver() });
    expect(await byName.refusal("site.test")).toBeNull();
    expect((await byName.request(`http://site.test:${site.port}/page`)).status).toBe(200);
    expect(await byName.refusal("loopback.test")).toMatch(/loopback/);
    expect(site.hits.map((h) => [h.path, h.host])).toEqual([
      ["/page", `127.0.0.1:${site.port}`],
      ["/page", `site.test:${site.port}`],
    ]);
  });

  it("re-checks every redirect hop: an allowed host cannot send the fetch to a refused one", async () => {
    const guard = createOutboundGuard({ allow: "site.test", resolve: resolver() });
    const from = (path: string) => guard.request(`http://site.test:${site.port}${path}`);
    site.hits.length = 0;
    expect(await refusedBy(from("/to-loopback"))).toMatch(/^127\.0\.0\.1 is a loopback address/);
    expect(await refusedBy(from("/to-decimal"))).toMatch(/^127\.0\.0\.1 is a loopback address/);
    expect(await refusedBy(from("/to-mapped"))).toMatch(/IPv4-mapped/);
    expect(await refusedBy(from("/to-name"))).toMatch(/^loopback\.test resolves to 127\.0\.0\.1/);
    expect(await refusedBy(from("/to-metadata"))).toMatch(/link-local/);
    expect(await refusedBy(from("/to-file"))).toMatch(/^file URLs are not fetched/);
    expect(await refusedBy(from("/to-gopher"))).toMatch(/^gopher URLs are not fetched/);
    expect(site.hits.some((h) => h.path === "/secret")).toBe(false);
    // A redirect loop on an allowed host ends after MAX_REDIRECTS hops.
    await expect(from("/loop")).rejects.toThrow(/more than 5 redirects/);
    expect(site.hits.filter((h) => h.path === "/loop")).toHaveLength(MAX_REDIRECTS + 1);
    // Allowed hops are followed; the response says where it ended.
    const landed = await from("/hop");
    expect([landed.status, landed.url]).toEqual([200, `http://site.test:${site.port}/landing`]);
    // redirect: "error" refuses to follow at all (the store's token request uses it).
    await expect(guard.request(`http://site.test:${site.port}/hop`, { redirect: "error" })).rejects.toThrow(
      /answered with a redirect/,
    );
  });

  it("does not carry credentials across origins on a redirect", async () => {
    const guard = createOutboundGuard({ allow: "a.test,b.test", resolve: resolver() });
    site.hits.length = 0;
    const res = await guard.request(`http://a.test:${site.port}/to-b`, {
      headers: { authorization: "Bearer secret-token" },
    });
    expect(res.status).toBe(200);
    expect(site.hits.map((h) => [h.host, h.authorization])).toEqual([
      [`a.test:${site.port}`, "Bearer secret-token"],
      [`b.test:${site.port}`, undefined],
    ]);
  });

  it("connects to the address it checked: a name that rebinds to loopback after the check never reaches it", async () => {
    // 127.0.0.2 stands for a public server (the operator allows it); 127.0.0.1 on the same port is the internal one.
    const outside = await startSite({}, "127.0.0.2", 0, "<p>outside</p>");
    const inside = await startSite({}, "127.0.0.1", outside.port, "<p>inside</p>");
    try {
      const resolve = scriptedResolver({ "rebind.test": [["127.0.0.2"], ["127.0.0.1"]] });
      const guard = createOutboundGuard({ allow: "127.0.0.2/32", resolve });
      const url = `http://rebind.test:${outside.port}/`;
      // One lookup per connection, and the connection goes to the address that lookup answered.
      expect(await (await guard.request(url)).text()).toBe("<p>outside</p>");
      expect(resolve.calls.get("rebind.test")).toBe(1);
      // The next connection looks up again (the server closed the first): the new answer is checked, and refused.
      expect(await refusedBy(guard.request(url))).toMatch(/^rebind\.test resolves to 127\.0\.0\.1, a loopback address/);
      expect(resolve.calls.get("rebind.test")).toBe(2);
      expect(inside.hits).toEqual([]);
      expect(outside.hits.map((h) => h.host)).toEqual([`rebind.test:${outside.port}`]);

      // Saved while it pointed outside, refused once it points inside.
      const later = createOutboundGuard({
        allow: "127.0.0.2/32",
        resolve: scriptedResolver({ "rebind.test": [["127.0.0.2"], ["127.0.0.1"]] }),
      });
      expect(await later.refusal("rebind.test")).toBeNull();
      await refusedBy(later.request(url));
      expect(inside.hits).toEqual([]);
    } finally {
      await Promise.all([outside.close(), inside.close()]);
    }
  });

  it("gives the mail clients the checked address: a mail host that resolves to loopback is never connected to", async () => {
    const listener = await startTcp((socket) => socket.write("220 ready\r\n"));
    try {
      const guard = createOutboundGuard({ resolve: resolver() });
      const smtp: SmtpServer = {
        host: "loopback.test",
        port: listener.port,
        tls: "none",
        username: "",
        password: "",
        max_conns: 1,
        tls_skip_verify: false,
      };
      const imap: ImapServer = {
        host: "loopback.test",
        port: listener.port,
        tls: "none",
        username: "u",
        password: "p",
        mailbox: "INBOX",
        read_interval: "5m",
        tls_skip_verify: false,
      };
      const why = `not allowed to connect to loopback.test:${listener.port}: loopback.test resolves to 127.0.0.1, a loopback address`;
      const probe = createMailProbe({ guard, timeoutMs: 3000 });
      expect(await probe.smtp(smtp)).toEqual({ ok: false, reason: expect.stringContaining(why) });
      expect(await probe.imap(imap)).toEqual({ ok: false, reason: expect.stringContaining(why) });
      await expect(createImapMailbox({ guard, timeoutMs: 3000 }).open(imap)).rejects.toThrow(`IMAP: ${why}`);
      const transport = createInboxTransport({ guard, timeoutMs: 3000 });
      const mail = {
        from: { name: "", address: "a@acme.test" },
        to: ["b@example.com"],
        cc: [],
        bcc: [],
        subject: "s",
        messageId: "<x@acme.test>",
        html: "<p>x</p>",
        text: "x",
        attachments: [],
      };
      const err = await transport.send(smtp, mail).catch((e: unknown) => e);
      transport.close();
      expect(err).toBeInstanceOf(ChannelSendError);
      expect(err).toMatchObject({
        permanent: true,
        message: expect.stringContaining("loopback.test resolves to 127.0.0.1"),
      });
      expect(listener.connections()).toBe(0);
    } finally {
      await listener.close();
    }
  });
});

describe("connection tests say what failed without the server's words", () => {
  const guard = createOutboundGuard({ allow: "127.0.0.1" });
  const probe = createMailProbe({ guard, timeoutMs: 3000 });
  const smtpAt = (port: number): SmtpServer => ({
    host: "127.0.0.1",
    port,
    tls: "none",
    username: "u",
    password: "p",
    max_conns: 1,
    tls_skip_verify: false,
  });
  const imapAt = (port: number): ImapServer => ({
    host: "127.0.0.1",
    port,
    tls: "none",
    username: "u",
    password: "p",
    mailbox: "INBOX",
    read_interval: "5m",
    tls_skip_verify: false,
  });
  /** Answers every line with `reply(tag)`. */
  const chatty = (greeting: string, reply: (line: string) => string) => (socket: Socket) => {
    socket.write(greeting);
    let buffer = "";
    socket.on("data", (chunk) => {
      buffer += chunk.toString("latin1");
      for (let i = buffer.indexOf("\n"); i !== -1; i = buffer.indexOf("\n")) {
        const line = buffer.slice(0, i).trim();
        buffer = buffer.slice(i + 1);
        socket.write(reply(line));
      }
    });
  };

  it("an SMTP server's banner and reply texts are not repeated", async () => {
    const server = await startTcp(
      chatty("220 SECRET-BANNER-1 ESMTP\r\n", () => "554 5.7.1 SECRET-REPLY-2 go away\r\n"),
    );
    try {
      const outcome = await probe.smtp(smtpAt(server.port));
      expect(outcome.ok).toBe(false);
      const reason = (outcome as { reason: string }).reason;
      expect(reason).toMatch(/^127\.0\.0\.1:\d+ refused the .* \(reply 554\)$/);
      expect(reason).not.toMatch(/SECRET/);
    } finally {
      await server.close();
    }
  });

  it("an IMAP server's greeting and refusals are not repeated", async () => {
    const server = await startTcp(
      chatty(
        "* OK SECRET-BANNER-3 ready\r\n",
        (line) => `${line.split(" ")[0]} NO [AUTHENTICATIONFAILED] SECRET-REPLY-4\r\n`,
      ),
    );
    try {
      const outcome = await probe.imap(imapAt(server.port));
      expect(outcome.ok).toBe(false);
      expect((outcome as { reason: string }).reason).not.toMatch(/SECRET/);
    } finally {
      await server.close();
    }
  });

  it("another service's banner (probing ports) is not read back either", async () => {
    const server = await startTcp((socket) => socket.end("SSH-2.0-OpenSSH_SECRET-5\r\n"));
    try {
      for (const outcome of [await probe.smtp(smtpAt(server.port)), await probe.imap(imapAt(server.port))]) {
        expect(outcome.ok).toBe(false);
        expect((outcome as { reason: string }).reason).not.toMatch(/SECRET|OpenSSH/);
      }
    } finally {
      await server.close();
    }
  });
});

describe("through the API, with nothing allowed", () => {
  let t: TestApp;
  let a: TestTenant;
  let site: Site;
  const resolve = scriptedResolver({
    // Allowed by name: the first hop of the redirect case.
    "docs.test": [["127.0.0.1"]],
    "public.test": [["93.184.216.34"]],
    "internal.test": [["10.1.2.3"]],
    // Public when the setting is saved, loopback when the connection is made (DNS rebinding).
    "rebind-site.test": [["93.184.216.34"], ["127.0.0.1"]],
    "mail-in.test": [["93.184.216.34"], ["127.0.0.1"]],
    "mail-out.test": [["93.184.216.34"], ["127.0.0.1"]],
    "store.test": [["93.184.216.34"], ["127.0.0.1"]],
    "idp.test": [["93.184.216.34"], ["127.0.0.1"]],
  });

  beforeAll(async () => {
    t = await bootTestApp(
      {},
      undefined,
      undefined,
      undefined,
      undefined,
      createOutboundGuard({ allow: "docs.test", resolve }),
    );
    a = await createTenant(t);
    site = await startSite({ "/start": redirect((port) => `http://127.0.0.1:${port}/secret`) });
  });
  afterAll(async () => {
    await site?.close();
    await t?.close();
  });

  const expectRefused = (res: { status: number; body: any }, field: string, why: RegExp) => {
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.data.type).toBe("InputError");
    expect(res.body.data.message.startsWith(`${field}: `), res.body.data.message).toBe(true);
    expect(res.body.data.message).toMatch(why);
  };

  describe("knowledge sources", () => {
    it("refuses to save a web page source on a loopback, private, link-local or metadata address (400 naming config.url)", async () => {
      site.hits.length = 0;
      const urls: [string, RegExp][] = [
        ...NON_PUBLIC_HOSTS.map(([host, why]): [string, RegExp] => [`http://${host}:${site.port}/`, why]),
        ["http://169.254.169.254/latest/meta-data/iam/", /link-local/],
        ["https://internal.test/wiki", /internal\.test resolves to 10\.1\.2\.3, a private network address/],
      ];
      for (const [url, why] of urls) {
        expectRefused(
          await a.admin.post("/api/v1/rag/sources", { name: "Intranet", source_type: "webpage", config: { url } }),
          "config.url",
          why,
        );
      }
      expect(await t.database.db.select().from(ragSources).where(eq(ragSources.tenantId, a.id))).toEqual([]);
      // An update is checked the same way, and leaves the stored URL as it was.
      const saved = await a.admin.post("/api/v1/rag/sources", {
        name: "Docs",
        source_type: "webpage",
        enabled: false,
        config: { url: "https://public.test/help" },
      });
      expect(saved.status, JSON.stringify(saved.body)).toBe(201);
      const moved = await a.admin.put(`/api/v1/rag/sources/${saved.body.data.id}`, {
        config: { url: `http://127.1:${site.port}/` },
      });
      expectRefused(moved, "config.url", /127\.0\.0\.1 is a loopback address/);
      expect((await a.admin.get(`/api/v1/rag/sources/${saved.body.data.id}`)).body.data.config.url).toBe(
        "https://public.test/help",
      );
      await a.admin.delete(`/api/v1/rag/sources/${saved.body.data.id}`);
      expect(site.hits).toEqual([]);
    });

    it("a source whose name rebinds to loopback fails its sync in words, and /rag/search cannot read the loopback page", async () => {
      site.hits.length = 0;
      const res = await a.admin.post("/api/v1/rag/sources", {
        name: "Rebinding",
        source_type: "webpage",
        config: { url: `http://rebind-site.test:${site.port}/`, crawl_depth: 0 },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      await t.queue.drain();
      const source = (await a.admin.get(`/api/v1/rag/sources/${res.body.data.id}`)).body.data;
      expect(source).toMatchObject({ sync_state: "failed", document_count: 0 });
      expect(source.sync_error).toMatch(/^rebind-site\.test resolves to 127\.0\.0\.1, a loopback address/);
      expect(site.hits).toEqual([]);
      const found = await a.admin.post("/api/v1/rag/search", { query: "vault code" });
      expect(found.status).toBe(200);
      expect(JSON.stringify(found.body.data)).not.toContain("4242");
    });

    it("a crawl does not follow a redirect from an allowed host to loopback", async () => {
      site.hits.length = 0;
      const res = await a.admin.post("/api/v1/rag/sources", {
        name: "Redirecting",
        source_type: "webpage",
        config: { url: `http://docs.test:${site.port}/start`, crawl_depth: 0 },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      await t.queue.drain();
      const source = (await a.admin.get(`/api/v1/rag/sources/${res.body.data.id}`)).body.data;
      expect(source.sync_state).toBe("failed");
      expect(source.sync_error).toMatch(/^127\.0\.0\.1 is a loopback address/);
      expect(site.hits.map((h) => h.path)).not.toContain("/secret");
      expect(
        JSON.stringify((await a.admin.post("/api/v1/rag/search", { query: "vault code" })).body.data),
      ).not.toContain("4242");
    });
  });

  describe("inboxes", () => {
    const inboxBody = (imapHost: string, smtpHosts: string[]) => ({
      name: "Support",
      channel: "email",
      from: "Support <support@acme.example>",
      config: {
        imap: [{ host: imapHost, port: 143, tls: "none", username: "u", password: "p" }],
        smtp: smtpHosts.map((host) => ({ host, port: 25, tls: "none", username: "", password: "" })),
      },
    });

    it("refuses to save private IMAP and SMTP hosts (400 naming the server's host field)", async () => {
      const count = async () => (await t.database.db.select().from(inboxes).where(eq(inboxes.tenantId, a.id))).length;
      const before = await count();
      expectRefused(
        await a.admin.post("/api/v1/inboxes", inboxBody("127.0.0.1", ["public.test"])),
        "config.imap[0].host",
        /loopback/,
      );
      expectRefused(
        await a.admin.post("/api/v1/inboxes", inboxBody("public.test", ["192.168.1.20"])),
        "config.smtp[0].host",
        /private network/,
      );
      expectRefused(
        await a.admin.post("/api/v1/inboxes", inboxBody("public.test", ["public.test", "2130706433"])),
        "config.smtp[1].host",
        /: 2130706433 \(127\.0\.0\.1\) is a loopback address/,
      );
      expectRefused(
        await a.admin.post("/api/v1/inboxes", inboxBody("[::1]", ["public.test"])),
        "config.imap[0].host",
        /loopback/,
      );
      expectRefused(
        await a.admin.post("/api/v1/inboxes", inboxBody("localhost", ["public.test"])),
        "config.imap[0].host",
        /loopback name/,
      );
      expectRefused(
        await a.admin.post("/api/v1/inboxes", inboxBody("internal.test", ["public.test"])),
        "config.imap[0].host",
        /resolves to 10\.1\.2\.3/,
      );
      expect(await count()).toBe(before);
      const saved = await a.admin.post("/api/v1/inboxes", inboxBody("public.test", ["public.test"]));
      expect(saved.status, JSON.stringify(saved.body)).toBe(201);
      const moved = await a.admin.put(`/api/v1/inboxes/${saved.body.data.id}`, {
        config: { smtp: [{ host: "169.254.169.254", port: 25, tls: "none" }] },
      });
      expectRefused(moved, "config.smtp[0].host", /link-local/);
      expect((await a.admin.get(`/api/v1/inboxes/${saved.body.data.id}`)).body.data.config.smtp[0].host).toBe(
        "public.test",
      );
    });

    it("test-imap, test-smtp and polling refuse a host that now resolves to loopback, in words and without connecting", async () => {
      const listener = await startTcp((socket) => socket.write("220 ready\r\n"));
      try {
        const body = inboxBody("mail-in.test", ["mail-out.test"]);
        body.config.imap[0]!.port = listener.port;
        body.config.smtp[0]!.port = listener.port;
        const saved = await a.admin.post("/api/v1/inboxes", body);
        expect(saved.status, JSON.stringify(saved.body)).toBe(201);
        const id = saved.body.data.id;
        const smtp = await a.admin.post(`/api/v1/inboxes/${id}/test-smtp`);
        expectRefused(
          smtp,
          "config.smtp[0]",
          new RegExp(
            `^config\\.smtp\\[0\\]: not allowed to connect to mail-out\\.test:${listener.port}: mail-out\\.test resolves to 127\\.0\\.0\\.1, a loopback address`,
          ),
        );
        const imap = await a.admin.post(`/api/v1/inboxes/${id}/test-imap`);
        expectRefused(
          imap,
          "config.imap[0]",
          /^config\.imap\[0\]: not allowed to connect to mail-in\.test:\d+: mail-in\.test resolves to 127\.0\.0\.1/,
        );
        // An unsaved config is tested under the same policy.
        const unsaved = await a.admin.post(`/api/v1/inboxes/${id}/test-smtp`, {
          config: { smtp: [{ host: "127.0.0.1", port: listener.port, tls: "none" }] },
        });
        expectRefused(
          unsaved,
          "config.smtp[0]",
          /not allowed to connect to 127\.0\.0\.1:\d+: 127\.0\.0\.1 is a loopback address/,
        );
        // The poller records the refusal as the inbox's error.
        await pollInbox(t.jobs, a.id, id);
        const status = await inboxMailStatus(t.database.db, a.id, id);
        expect(status.last_error).toMatch(
          /^IMAP: not allowed to connect to mail-in\.test:\d+: mail-in\.test resolves to 127\.0\.0\.1/,
        );
        expect(listener.connections()).toBe(0);
      } finally {
        await listener.close();
      }
    });
  });

  describe("ecommerce", () => {
    it("refuses a store on a loopback base_url at save time, and never sends it the client secret", async () => {
      site.hits.length = 0;
      const put = await a.admin.put("/api/v1/ecommerce/settings", {
        base_url: `http://127.0.0.1:${site.port}`,
        client_id: "id",
        client_secret: "store-secret",
      });
      expectRefused(put, "base_url", /^base_url: 127\.0\.0\.1 is a loopback address/);
      expect((await a.admin.get("/api/v1/ecommerce/settings")).body.data.base_url).toBe("");
      const tested = await a.admin.post("/api/v1/ecommerce/test", {
        base_url: `http://[::1]:${site.port}`,
        client_id: "id",
        client_secret: "store-secret",
      });
      expect(tested.status).toBe(200);
      expect(tested.body.data).toMatchObject({
        ok: false,
        error: expect.stringMatching(/^Not allowed to connect to http:\/\/\[::1\]:\d+: ::1 is a loopback address/),
      });
      expect(site.hits).toEqual([]);
    });

    it("a store whose name rebinds to loopback is refused when connecting, in words", async () => {
      site.hits.length = 0;
      const put = await a.admin.put("/api/v1/ecommerce/settings", {
        base_url: `http://store.test:${site.port}`,
        client_id: "id",
        client_secret: "store-secret",
      });
      expect(put.status, JSON.stringify(put.body)).toBe(200);
      const tested = await a.admin.post("/api/v1/ecommerce/test", {});
      expect(tested.body.data).toMatchObject({
        ok: false,
        error: expect.stringMatching(/store\.test resolves to 127\.0\.0\.1, a loopback address/),
      });
      expect(site.hits).toEqual([]);
    });
  });

  describe("OIDC providers", () => {
    const provider = (provider_url: string) => ({
      name: `IdP ${provider_url}`,
      provider_url,
      client_id: "c",
      client_secret: "s",
    });

    it("refuses to save a provider URL on a non-public address (400 naming provider_url)", async () => {
      site.hits.length = 0;
      expectRefused(
        await a.admin.post("/api/v1/oidc", provider(`http://127.0.0.1:${site.port}`)),
        "provider_url",
        /loopback address/,
      );
      expectRefused(
        await a.admin.post("/api/v1/oidc", provider(`http://localhost:${site.port}`)),
        "provider_url",
        /loopback name/,
      );
      expectRefused(
        await a.admin.post("/api/v1/oidc", provider(`http://[::1]:${site.port}`)),
        "provider_url",
        /loopback address/,
      );
      expectRefused(
        await a.admin.post("/api/v1/oidc", provider("https://169.254.169.254")),
        "provider_url",
        /link-local/,
      );
      expectRefused(
        await a.admin.post("/api/v1/oidc", provider("https://internal.test")),
        "provider_url",
        /resolves to 10\.1\.2\.3/,
      );
      expect(await t.database.db.select().from(oidcProviders).where(eq(oidcProviders.tenantId, a.id))).toEqual([]);
      expect(site.hits).toEqual([]);
    });

    it("discovery of a provider whose name rebinds to loopback is refused in words", async () => {
      const saved = await a.admin.post("/api/v1/oidc", provider(`https://idp.test:${site.port}`));
      expect(saved.status, JSON.stringify(saved.body)).toBe(201);
      const res = await t.app.request(`http://${a.host}/api/v1/oidc/${saved.body.data.id}/login`, {
        headers: { host: a.host },
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { data: { message: string } }).data.message).toMatch(
        /^The sign-in provider may not be contacted: idp\.test resolves to 127\.0\.0\.1, a loopback address/,
      );
    });

    it("the endpoints a provider's discovery names are checked too: its token endpoint on loopback is never called", async () => {
      // The operator allows the provider itself (localhost), not the rest of the machine.
      const idp = await startSite({
        "/.well-known/openid-configuration": (res, port) =>
          res.writeHead(200, { "content-type": "application/json" }).end(
            JSON.stringify({
              issuer: `http://localhost:${port}`,
              authorization_endpoint: `http://localhost:${port}/auth`,
              token_endpoint: `http://127.0.0.1:${port}/token`,
              jwks_uri: `http://127.0.0.1:${port}/jwks`,
            }),
          ),
      });
      try {
        const outbound = createOutboundGuard({ allow: "localhost" });
        const [row] = await t.database.db
          .insert(oidcProviders)
          .values({
            tenantId: a.id,
            name: "Allowed IdP",
            providerUrl: `http://localhost:${idp.port}`,
            clientId: "c",
            clientSecret: seal(t.secrets, "s"),
          })
          .returning();
        const deps = { db: t.database.db, secrets: t.secrets, outbound };
        const target = {
          tenantId: a.id,
          providerId: row!.id,
          redirectUri: `http://${a.host}/api/v1/oidc/${row!.id}/finish`,
          now: new Date(),
        };
        const { pending } = await beginOidcLogin(deps, target);
        const finished = finishOidcLogin(deps, {
          ...target,
          pending,
          query: { state: pending.state, code: "code" },
          ip: null,
          userAgent: null,
        });
        await expect(finished).rejects.toThrow(
          /^The sign-in provider may not be contacted: 127\.0\.0\.1 is a loopback address/,
        );
        expect(idp.hits.map((h) => h.path)).toEqual(["/.well-known/openid-configuration"]);
      } finally {
        await idp.close();
      }
    });
  });
});
