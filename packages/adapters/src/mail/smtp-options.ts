import type SMTPTransport from "nodemailer/lib/smtp-transport";
import type { SmtpServer } from "@helperiq/core/inbox/email-config";

/** nodemailer transport options for an inbox's SMTP server: the one place TLS modes map to the client. */
export function smtpTransportOptions(server: SmtpServer, timeoutMs = 20_000): SMTPTransport.Options {
  return {
    host: server.host,
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
