import type { ImapFlowOptions } from "imapflow";
import type { ImapServer } from "@helperiq/core/inbox/email-config";
import type { VettedHost } from "../net/outbound-guard.ts";

/**
 * imapflow connection options for an inbox's IMAP server: the one place TLS modes map to the client. The
 * client connects to the address the outbound guard checked (`target`), never resolving the name again;
 * TLS presents and verifies the name the admin configured.
 */
export function imapFlowOptions(server: ImapServer, target: VettedHost, timeoutMs = 20_000): ImapFlowOptions {
  return {
    host: target.addresses[0]!,
    ...(target.servername ? { servername: target.servername } : {}),
    port: server.port,
    secure: server.tls === "tls",
    // "none" means no TLS at all; "starttls" upgrades the plain connection and fails if the server cannot.
    doSTARTTLS: server.tls === "starttls" ? true : server.tls === "none" ? false : undefined,
    auth: { user: server.username, pass: server.password },
    tls: { rejectUnauthorized: !server.tls_skip_verify },
    logger: false,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs * 3,
  };
}
