import { messagesFamily } from "@helperiq/api/families/messages";
import { cloudDeps, createHandler } from "../runtime.ts";

export const handler = createHandler("messages", messagesFamily, cloudDeps);
