import { domainsFamily } from "@helperiq/api/families/domains";
import { cloudDeps, createHandler } from "../runtime.ts";

export const handler = createHandler("domains", domainsFamily, cloudDeps);
