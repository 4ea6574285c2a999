/**
 * The Neon connection string, per stage: `sst secret set DatabaseUrl 'postgres://…' --stage <stage>`.
 * Use Neon's pooled (`-pooler`) host: every Lambda container keeps its own small pool.
 */
export const databaseUrl = new sst.Secret("DatabaseUrl");
