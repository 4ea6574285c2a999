import type { SmtpServer } from "@helperiq/core/inbox/email-config";
import { ChannelSendError, type ChannelMailer } from "@helperiq/core/port/channel-mailer";
import { createHash } from "node:crypto";
import { createTransport, type Transporter } from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import { OutboundRefusedError } from "@helperiq/core/port/outbound";
import type { OutboundGuard, VettedHost } from "../net/outbound-guard.ts";
import { smtpTransportOptions } from "./smtp-options.ts";

export type InboxTransportOptions = {
  /** Every send vets the inbox's SMTP host (packages/adapters/src/net/outbound-guard.ts). */
  guard: OutboundGuard;
  /** Connection and greeting timeout (the socket timeout is three times this); see smtp-options.ts. */
  timeoutMs?: number;
  /** Open pools kept at once; the least recently used one is closed beyond this. */
  maxPools?: number;
};

/** nodemailer's error fields the classification reads. */
type SmtpError = Error & { code?: string; responseCode?: number; command?: string; rejected?: string[] };

/**
 * Inbox mail over SMTP with nodemailer: one pooled transport per distinct SMTP server configuration
 * (host, port, TLS, credentials, `max_conns`), so replies of one inbox share connections and a changed
 * password opens a fresh pool. Each send vets the host first and the pool connects to the address that
 * was checked (a changed DNS answer opens a new pool, checked like the first). Errors become
 * ChannelSendError: permanent for 5xx replies, refused credentials, unusable addresses and hosts the
 * outbound policy refuses; transient (worth retrying) for everything else.
 */
export function createInboxTransport(options: InboxTransportOptions): ChannelMailer & { close(): void } {
  const maxPools = options.maxPools ?? 200;
  const pools = new Map<string, Transporter<SMTPTransport.SentMessageInfo>>();

  function poolFor(server: SmtpServer, target: VettedHost) {
    const key = createHash("sha256")
      .update(
        JSON.stringify([
          server.host,
          target.addresses[0],
          server.port,
          server.tls,
          server.username,
          server.password,
          server.max_conns,
          server.tls_skip_verify,
        ]),
      )
      .digest("hex");
    let pool = pools.get(key);
    if (pool) {
      // Map order is insertion order: re-inserting marks it most recently used.
      pools.delete(key);
    } else {
      pool = createTransport({
        ...smtpTransportOptions(server, target, options.timeoutMs),
        pool: true,
        maxConnections: Math.max(1, server.max_conns || 1),
      });
      if (pools.size >= maxPools) {
        const [oldestKey, oldest] = pools.entries().next().value!;
        pools.delete(oldestKey);
        oldest.close();
      }
    }
    pools.set(key, pool);
    return pool;
  }

  return {
    async send(server, mail) {
      let target: VettedHost;
      try {
        target = await options.guard.vet(server.host);
      } catch (err) {
        // A refused host is the inbox's configuration, which retrying does not change; a failed lookup may pass.
        if (err instanceof OutboundRefusedError)
          throw new ChannelSendError(`not allowed to connect to ${server.host}: ${err.message}`, true, []);
        throw new ChannelSendError(
          `could not resolve ${server.host}: ${(err as NodeJS.ErrnoException).code ?? "lookup failed"}`,
          false,
          [],
        );
      }
      const transport = poolFor(server, target);
      try {
        const info = await transport.sendMail({
          from: mail.from,
          to: mail.to,
          cc: mail.cc,
          bcc: mail.bcc,
          ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
          subject: mail.subject,
          messageId: mail.messageId,
          ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
          ...(mail.references?.length ? { references: mail.references } : {}),
          html: mail.html,
          text: mail.text,
          attachments: mail.attachments.map((a) => ({
            filename: a.filename,
            contentType: a.contentType,
            content: Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength),
            ...(a.contentId ? { cid: a.contentId, contentDisposition: "inline" as const } : {}),
          })),
        });
        return {
          accepted: info.accepted.map(addressOf),
          rejected: info.rejected.map(addressOf),
          response: info.response,
        };
      } catch (err) {
        throw classify(err as SmtpError);
      }
    },
    close() {
      for (const pool of pools.values()) pool.close();
      pools.clear();
    },
  };
}

const addressOf = (a: string | { address: string }) => (typeof a === "string" ? a : a.address);

function classify(err: SmtpError): ChannelSendError {
  const code = err.responseCode;
  const permanent =
    (typeof code === "number" && code >= 500) ||
    // Refused credentials without a reply code (no common mechanism) do not fix themselves either.
    (err.code === "EAUTH" && code === undefined) ||
    // nodemailer refused the envelope before talking to the server: an unusable address.
    (err.code === "EENVELOPE" && err.command === "API");
  return new ChannelSendError(err.message, permanent, (err.rejected ?? []).map(addressOf));
}
