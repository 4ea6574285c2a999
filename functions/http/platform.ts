import { platformFamily } from "@helperiq/api/families/platform/index";
import { cloudDeps, createHandler } from "../runtime.ts";

export const handler = createHandler("platform", platformFamily, cloudDeps);
