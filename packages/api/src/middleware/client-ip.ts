import type { Context } from "hono";
import type { AppEnv } from "../env.ts";

/**
 * The client's address. Behind a trusted proxy (`config.clientIpHeader`) it is the header's last entry:
 * the address the proxy itself saw. A client can prepend anything to X-Forwarded-For, but not that hop.
 */
export function clientIp(c: Context<AppEnv>): string {
  const { config, remoteAddress } = c.get("deps");
  const fromProxy = config.clientIpHeader ? c.req.header(config.clientIpHeader)?.split(",").at(-1)?.trim() : undefined;
  return fromProxy || remoteAddress(c) || "unknown";
}
