export * from "./provision.ts";
export * from "./resolve.ts";
