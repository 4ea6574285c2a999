import { ecommerceFamily } from "@helperiq/api/families/ecommerce";
import { cloudDeps, createHandler } from "../runtime.ts";

export const handler = createHandler("ecommerce", ecommerceFamily, cloudDeps);
