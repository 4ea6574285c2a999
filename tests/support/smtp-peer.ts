import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";

export type ReceivedMail = { from: string; to: string[]; raw: string };

export type SmtpPeer = {
  /** `smtp://127.0.0.1:<port>`, plain (no STARTTLS offered), no authentication required. */
  url: string;
  received: ReceivedMail[];
  /** The next `count` messages are refused at the end of DATA with `code` (451: a temporary failure). */
  failNext(count: number, code?: number): void;
  /** Answers each DATA this much later (slow servers, timeouts); 0 by default. */
  delayMs: number;
  close(): Promise<void>;
};

export type SmtpPeerOptions = {
  /** Require AUTH PLAIN/LOGIN with these credentials (plaintext on loopback); none by default. */
  auth?: { username: string; password: string };
};

/** Recipients at this domain are refused at RCPT TO, to exercise delivery failures. */
export const REFUSED_DOMAIN = "refused.example";

/** A real SMTP server on loopback that keeps every message it accepts, raw. */
export async function startSmtpPeer(options: SmtpPeerOptions = {}): Promise<SmtpPeer> {
  const received: ReceivedMail[] = [];
  let failures: { count: number; code: number } = { count: 0, code: 451 };
  const control = { delayMs: 0 };
  const server = new SMTPServer({
    // Without `auth` the peer behaves as it always did: AUTH is not offered on the plain connection.
    ...(options.auth
      ? {
          authOptional: false,
          allowInsecureAuth: true,
          onAuth: ((auth, _session, callback) => {
            const ok = auth.username === options.auth!.username && auth.password === options.auth!.password;
            if (!ok) return callback(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }));
            callback(null, { user: auth.username });
          }) satisfies SMTPServerOptions["onAuth"],
        }
      : { authOptional: true }),
    disabledCommands: ["STARTTLS"],
    logger: false,
    // close() waits this long for clients still connected (smtp-server's default is 30 s, paid by every suite).
    closeTimeout: 1_000,
    onRcptTo(address, _session, callback) {
      if (address.address.endsWith(`@${REFUSED_DOMAIN}`)) return callback(new Error("mailbox unavailable"));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", async () => {
        if (control.delayMs) await new Promise((r) => setTimeout(r, control.delayMs));
        if (failures.count > 0) {
          failures = { ...failures, count: failures.count - 1 };
          return callback(Object.assign(new Error("Try again later"), { responseCode: failures.code }));
        }
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
        received.push({
          from,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    failNext(count, code = 451) {
      failures = { count, code };
    },
    get delayMs() {
      return control.delayMs;
    },
    set delayMs(ms: number) {
      control.delayMs = ms;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The message body with quoted-printable soft breaks and escapes undone (enough to find a link in it). */
export function decodeQuotedPrintable(raw: string): string {
  return raw
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
