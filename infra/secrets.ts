/**
 * The Neon connection string, per stage: `sst secret set DatabaseUrl 'postgres://…' --stage <stage>`.
 * Use Neon's pooled (`-pooler`) host: every Lambda container keeps its own small pool.
 */
export const databaseUrl = new sst.Secret("DatabaseUrl");

/**
 * Keys that seal secrets stored in the database (README: SECRET_KEYS), per stage:
 * `sst secret set SecretKeys "k1:$(openssl rand -base64 32)" --stage <stage>`; to rotate, prepend a new key.
 */
export const secretKeys = new sst.Secret("SecretKeys");

/**
 * Where system mail (password resets) goes, per stage: `sst secret set SmtpUrl 'smtps://user:pass@host:465'`.
 * A secret because the URL carries the password; empty (the placeholder) leaves mail in the function logs.
 */
export const smtpUrl = new sst.Secret("SmtpUrl", "");

/**
 * The Firebase service-account key file (JSON) the queue worker sends mobile pushes with (FCM HTTP v1):
 * `sst secret set FcmServiceAccount "$(cat service-account.json)"`. Empty (the placeholder) leaves pushes in the logs.
 */
export const fcmServiceAccount = new sst.Secret("FcmServiceAccount", "");

/**
 * The operator's platform API key (README: PLATFORM_API_KEY), per stage:
 * `sst secret set PlatformApiKey "$(openssl rand -hex 32)" --stage <stage>`. Empty (the placeholder) leaves the
 * platform API off: every /platform/v1 route answers 404. Only the platform function receives it.
 */
export const platformApiKey = new sst.Secret("PlatformApiKey", "");
