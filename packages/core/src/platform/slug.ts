/**
 * A workspace slug is the first label of its host (`<slug>.<BASE_DOMAIN>`), so it must be a DNS label a
 * browser, a certificate and a mail client all accept: 3 to 63 characters of a-z and 0-9 with inner hyphens.
 * At least 3, so two-letter names (country-like, easily confused) stay free for the operator.
 */
export const SLUG_MIN_LENGTH = 3;
export const SLUG_MAX_LENGTH = 63;

const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * Names no customer may take, because the operator's own hosts under BASE_DOMAIN use them or because they
 * would look like the operator's: a workspace called `admin` or `support` could phish everyone's agents.
 * - the service itself: www, app, api, platform, admin, console, dashboard, portal, status, health, metrics;
 * - sign-in and accounts: auth, login, logout, signin, signup, register, account, accounts, sso, oauth, billing, security;
 * - help the operator gives: help, support, docs, blog, about, contact, legal, terms, privacy;
 * - content hosts: static, assets, cdn, media, uploads, files, download, downloads, widget, wss;
 * - mail: mail, email, webmail, smtp, imap, pop, pop3, postmaster, hostmaster, abuse, noreply, no-reply,
 *   and autoconfig/autodiscover, which mail clients probe on every subdomain to configure themselves;
 * - infrastructure: dns, ns1..ns4, ftp, git, vpn, proxy, internal, intranet, localhost;
 * - environments: dev, test, staging, stage, prod, production, demo, sandbox;
 * - generic: root, system, operator, official, example, helperiq.
 * Shorter names of the same kinds (id, mx, ns, ws) are refused by the minimum length.
 */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  ...["www", "app", "api", "platform", "admin", "console", "dashboard", "portal", "status", "health", "metrics"],
  ...["auth", "login", "logout", "signin", "signup", "register", "account", "accounts", "sso", "oauth", "billing"],
  ...["security", "help", "support", "docs", "blog", "about", "contact", "legal", "terms", "privacy"],
  ...["static", "assets", "cdn", "media", "uploads", "files", "download", "downloads", "widget", "wss"],
  ...["mail", "email", "webmail", "smtp", "imap", "pop", "pop3", "postmaster", "hostmaster", "abuse"],
  ...["noreply", "no-reply", "autoconfig", "autodiscover"],
  ...["dns", "ns1", "ns2", "ns3", "ns4", "ftp", "git", "vpn", "proxy", "internal", "intranet", "localhost"],
  ...["dev", "test", "staging", "stage", "prod", "production", "demo", "sandbox"],
  ...["root", "system", "operator", "official", "example", "helperiq"],
]);

/** What is wrong with `slug` as a new workspace's slug (in words, without the field name), or null. */
export function slugProblem(slug: string): string | null {
  if (slug.length < SLUG_MIN_LENGTH || slug.length > SLUG_MAX_LENGTH) {
    return `must be ${SLUG_MIN_LENGTH} to ${SLUG_MAX_LENGTH} characters`;
  }
  if (!LABEL.test(slug)) {
    return "may hold only lower-case letters a-z, digits and hyphens, and must start and end with a letter or digit";
  }
  // IDNA reserves hyphens in the third and fourth places (`xn--` is punycode): such a label could display
  // as another workspace's name in a browser's address bar.
  if (slug.slice(2, 4) === "--") return "may not have hyphens in its third and fourth places";
  if (RESERVED_SLUGS.has(slug)) return `"${slug}" is reserved`;
  return null;
}
