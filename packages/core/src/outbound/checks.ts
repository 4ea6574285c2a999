import { InputError } from "../errors/index.ts";
import type { Outbound } from "../port/outbound.ts";

/**
 * Save-time checks of the hosts and URLs a workspace configures: a destination the outbound policy refuses
 * is a 400 naming the field, so it is never stored. The same policy is applied again on every connection
 * (names may resolve elsewhere later), where a refusal becomes a recorded error instead.
 */
export async function checkReachableHost(outbound: Outbound, field: string, host: string): Promise<void> {
  const why = await outbound.refusal(host);
  if (why) throw new InputError(`${field}: ${why}`);
}

/** The same for the host of a URL; the URL's own shape (scheme, credentials) is checked where it is parsed. */
export async function checkReachableUrl(outbound: Outbound, field: string, url: string): Promise<void> {
  if (!URL.canParse(url)) return;
  await checkReachableHost(outbound, field, new URL(url).hostname);
}
