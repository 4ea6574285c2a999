import { settingsFamily } from "@helperiq/api/families/settings";
import { cloudDeps, createHandler } from "../runtime.ts";

export const handler = createHandler("settings", settingsFamily, cloudDeps);
