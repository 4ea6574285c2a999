export * from "./oidc.sql.ts";
export * from "./provider.ts";
export * from "./login.ts";
