import type { Context } from "hono";
import type { AppEnv } from "./env.ts";

/**
 * Scheme and host the client used to reach this workspace: the request URL, or behind a trusted proxy
 * (AppConfig.trustForwardedHost) the first X-Forwarded-Proto / X-Forwarded-Host, read like tenant resolution.
 */
export function workspaceOrigin(c: Context<AppEnv>): string {
  const request = new URL(c.req.url);
  const host = c.req.header("host") ?? request.host;
  if (!c.get("deps").config.trustForwardedHost) return `${request.protocol}//${host}`;
  const first = (header: string) => c.req.header(header)?.split(",")[0]?.trim() || undefined;
  const proto = first("x-forwarded-proto");
  const scheme = proto === "http" || proto === "https" ? proto : request.protocol.slice(0, -1);
  return `${scheme}://${first("x-forwarded-host") ?? host}`;
}
