import { config } from "@helperiq/api/families/config";
import { cloudDeps, createHandler } from "../runtime.ts";

export const handler = createHandler("config", config, cloudDeps);
