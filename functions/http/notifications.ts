import { notificationsFamily } from "@helperiq/api/families/notifications";
import { cloudDeps, createHandler } from "../runtime.ts";

export const handler = createHandler("notifications", notificationsFamily, cloudDeps);
