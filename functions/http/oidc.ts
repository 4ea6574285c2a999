import { oidcFamily } from "@helperiq/api/families/oidc";
import { cloudDeps, createHandler } from "../runtime.ts";

export const handler = createHandler("oidc", oidcFamily, cloudDeps);
