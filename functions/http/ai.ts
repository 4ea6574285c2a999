import { aiFamily } from "@helperiq/api/families/ai";
import { cloudDeps, createHandler } from "../runtime.ts";

export const handler = createHandler("ai", aiFamily, cloudDeps);
