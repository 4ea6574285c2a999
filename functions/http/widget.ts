import { widgetFamily } from "@helperiq/api/families/widget";
import { cloudDeps, createHandler } from "../runtime.ts";

export const handler = createHandler("widget", widgetFamily, cloudDeps);
