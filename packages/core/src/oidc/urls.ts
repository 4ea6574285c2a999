import { InputError } from "../errors/index.ts";

/** Plain http is accepted only for a provider on this machine (local development and tests). */
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** `URL.parse` arrived in Node 22; the project supports Node 20. */
function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/** An https URL, or an http one on a loopback host; anything else (other schemes, credentials) is not. */
export function isAllowedUrl(value: string): boolean {
  const url = parseUrl(value);
  if (!url || url.username || url.password) return false;
  return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname));
}

/** Issuer URLs are compared without trailing slashes: `https://id.example/` and `https://id.example` are one issuer. */
export function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/** Validates an issuer URL (`provider_url`) and returns it without a trailing slash. */
export function checkProviderUrl(value: string): string {
  const url = parseUrl(value);
  if (!url || !isAllowedUrl(value) || url.search || url.hash) {
    throw new InputError("provider_url: must be an https URL without query or fragment");
  }
  return withoutTrailingSlash(url.href);
}

/** `logo_url` is optional; when given it is shown on the login page, so the same URL rule applies. */
export function checkLogoUrl(value: string): string {
  if (value === "") return value;
  if (!isAllowedUrl(value)) throw new InputError("logo_url: must be an https URL");
  return value;
}
