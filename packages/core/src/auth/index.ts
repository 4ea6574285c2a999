export * from "./api-key.ts";
export * from "./login.ts";
export * from "./password.ts";
export * from "./session.ts";
export * from "./token.ts";
