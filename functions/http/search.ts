import { searchFamily } from "@helperiq/api/families/search";
import { cloudDeps, createHandler } from "../runtime.ts";

export const handler = createHandler("search", searchFamily, cloudDeps);
