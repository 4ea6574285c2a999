import { viewsFamily } from "@helperiq/api/families/views";
import { cloudDeps, createHandler } from "../runtime.ts";

export const handler = createHandler("views", viewsFamily, cloudDeps);
