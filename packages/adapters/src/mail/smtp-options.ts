import type SMTPTransport from "nodemailer/lib/smtp-transport";
import type { SmtpServer } from "@helperiq/core/inbox/email-config";
import type { VettedHost } from "../net/outbound-guard.ts";

/**
 * nodemailer transport options for an inbox's SMTP server: the one place TLS modes map to the client. The
 * transport connects to the address the outbound guard checked (`target`), never resolving the name again;
 * TLS presents and verifies the name the admin configured.
 */
export function smtpTransportOptions(
  server: SmtpServer,
  target: VettedHost,
  timeoutMs = 20_000,
): SMTPTransport.Options {
  return {
    host: target.addresses[0]!,
    ...(target.servername ? { servername: target.servername } : {}),
    port: server.port,
    secure: server.tls === "tls",
    requireTLS: server.tls === "starttls",
    ignoreTLS: server.tls === "none",
    auth: server.username ? { user: server.username, pass: server.password } : undefined,
    tls: { rejectUnauthorized: !server.tls_skip_verify },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs * 3,
  };
}
