export { createApp } from "./app.ts";
export type { AppConfig, AppDeps, AppEnv } from "./env.ts";
export { FAMILIES, type FamilyName } from "./families/index.ts";
