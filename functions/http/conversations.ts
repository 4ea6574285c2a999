import { conversationsFamily } from "@helperiq/api/families/conversations";
import { cloudDeps, createHandler } from "../runtime.ts";

export const handler = createHandler("conversations", conversationsFamily, cloudDeps);
