import { mediaFamily } from "@helperiq/api/families/media";
import { cloudDeps, createHandler } from "../runtime.ts";

export const handler = createHandler("media", mediaFamily, cloudDeps);
