import { signParts, verifyParts } from "../crypto/url-signature.ts";
import type { Keyring } from "../crypto/secret-box.ts";

/**
 * Signed media URLs: `/uploads/<uuid>?exp=<unix seconds>&sig=<HMAC>` where the HMAC covers the
 * workspace, the uuid and the expiry, with a "media-url" subkey of the keyring. The workspace is not in
 * the URL: the server takes it from the host, so a URL of workspace A presented on B's host fails.
 */
export const DEFAULT_MEDIA_URL_TTL_SECONDS = 24 * 3600;
const LABEL = "media-url";

export type SignedMediaUrl = { path: string; expiresAt: Date };

export function signMediaPath(
  ring: Keyring,
  tenantId: number,
  uuid: string,
  now: Date,
  ttlSeconds: number,
): SignedMediaUrl {
  const exp = expiryOf(now, ttlSeconds);
  const sig = signParts(ring, LABEL, [String(tenantId), uuid, String(exp)]);
  return { path: `/uploads/${uuid}?exp=${exp}&sig=${sig}`, expiresAt: new Date(exp * 1000) };
}

/** Whether `sig` is a signature of this workspace's `uuid` until `exp`, and `exp` is still ahead of `now`. */
export function verifyMediaSignature(
  ring: Keyring,
  tenantId: number,
  uuid: string,
  exp: string,
  sig: string,
  now: Date,
): boolean {
  if (!/^\d{1,12}$/.test(exp) || Number(exp) * 1000 <= now.getTime()) return false;
  return verifyParts(ring, LABEL, [String(tenantId), uuid, exp], sig);
}

/**
 * The expiry is rounded up to a step of 1/24 of the TTL (at most an hour), so URLs handed out within a
 * step are identical and browsers can cache the file; a URL lives between `ttl` and `ttl + step`.
 */
function expiryOf(now: Date, ttlSeconds: number): number {
  const step = Math.max(1, Math.min(3600, Math.floor(ttlSeconds / 24)));
  return Math.ceil((Math.floor(now.getTime() / 1000) + ttlSeconds) / step) * step;
}

/**
 * A media path exactly as signMediaPath (or an unsigned `/uploads/<uuid>`) writes it: a lower-case uuid and
 * at most `?exp=<digits>&sig=<base64url>`. Stored HTML may point at our own origin only in this form; dot
 * segments, percent-escapes, backslashes, upper case or other query strings could resolve to any route of
 * the app (`/uploads/../logout`) and be fetched with the viewer's session.
 */
const CANONICAL_MEDIA_PATH =
  /^\/uploads\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:\?exp=\d{1,12}&sig=[A-Za-z0-9_-]{43})?$/;

export const isCanonicalMediaPath = (url: string): boolean => CANONICAL_MEDIA_PATH.test(url);

/** Makes the URL of a media uuid for the caller (absolute, signed); see Ctx.mediaUrl. */
export type MediaUrlMaker = (uuid: string) => string;
