import { macrosFamily } from "@helperiq/api/families/macros";
import { cloudDeps, createHandler } from "../runtime.ts";

export const handler = createHandler("macros", macrosFamily, cloudDeps);
