import { createMailProbe } from "@helperiq/adapters/mail/probe";
import { settingsFamily } from "@helperiq/api/families/settings";
import { cloudOutbound } from "../cloud-ports.ts";
import { cloudDeps, createHandler } from "../runtime.ts";

// The notification mail form's "send test" logs in to its SMTP server (settings/notifications/email/test).
export const handler = createHandler("settings", settingsFamily, () => ({
  ...cloudDeps(),
  mailProbe: createMailProbe({ guard: cloudOutbound(process.env) }),
}));
