import { slaFamily } from "@helperiq/api/families/sla";
import { cloudDeps, createHandler } from "../runtime.ts";

export const handler = createHandler("sla", slaFamily, cloudDeps);
