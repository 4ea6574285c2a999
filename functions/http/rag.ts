import { ragFamily } from "@helperiq/api/families/rag";
import { cloudDeps, createHandler } from "../runtime.ts";

export const handler = createHandler("rag", ragFamily, cloudDeps);
