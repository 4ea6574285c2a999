import { customAttributesFamily } from "@helperiq/api/families/custom-attributes";
import { cloudDeps, createHandler } from "../runtime.ts";

export const handler = createHandler("custom-attributes", customAttributesFamily, cloudDeps);
