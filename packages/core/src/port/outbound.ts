/**
 * Connections this process makes on a workspace's behalf: to the URLs, hosts and providers a workspace admin
 * configures (knowledge-base crawler, store API, OIDC provider, inbox mail servers, future webhooks). One
 * guard implements it (packages/adapters/src/net/outbound-guard.ts): it resolves the name, refuses loopback,
 * private, link-local and other non-public addresses unless the operator allowed them
 * (OUTBOUND_ALLOW_HOSTS), and connects to the very address it checked.
 *
 * What the operator configures (system SMTP_URL, FCM, AI provider base URLs, Google's key URL) does not go
 * through it: those destinations are not chosen by a workspace.
 */

/** A destination the policy does not allow; `message` says why in words (never anything the remote sent). */
export class OutboundRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutboundRefusedError";
  }
}

export interface Outbound {
  /**
   * Why `host` (a name or an IP literal, as an admin typed it) may not be reached, or null when it may.
   * A name that does not resolve now is not refused here: the connection checks it again when it is made.
   */
  refusal(host: string): Promise<string | null>;
  /**
   * An HTTP request (fetch's arguments and answer) whose every connection goes to an address the policy allows, pinned to the address that was
   * checked. Only http and https; `redirect: "follow"` (the default) re-checks each hop, a few hops at most,
   * and only for GET and HEAD. A refused destination rejects with OutboundRefusedError.
   */
  request(url: string | URL, init?: RequestInit): Promise<Response>;
}
