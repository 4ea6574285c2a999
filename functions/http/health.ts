import { health } from "@helperiq/api/families/health";
import { cloudDeps, createHandler } from "../runtime.ts";

export const handler = createHandler("health", health, cloudDeps);
