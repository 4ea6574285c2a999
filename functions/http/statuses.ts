import { statusesFamily } from "@helperiq/api/families/statuses";
import { cloudDeps, createHandler } from "../runtime.ts";

export const handler = createHandler("statuses", statusesFamily, cloudDeps);
