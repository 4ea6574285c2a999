import { createMailProbe } from "@helperiq/adapters/mail/probe";
import { inboxesFamily } from "@helperiq/api/families/inboxes";
import { cloudOutbound } from "../cloud-ports.ts";
import { cloudDeps, createHandler } from "../runtime.ts";

export const handler = createHandler("inboxes", inboxesFamily, () => ({
  ...cloudDeps(),
  mailProbe: createMailProbe({ guard: cloudOutbound(process.env) }),
}));
