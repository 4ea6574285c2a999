import { createMailProbe } from "@helperiq/adapters/mail/probe";
import { inboxesFamily } from "@helperiq/api/families/inboxes";
import { cloudDeps, cloudOutbound, createHandler } from "../runtime.ts";

export const handler = createHandler("inboxes", inboxesFamily, () => ({ ...cloudDeps(), mailProbe: createMailProbe({ guard: cloudOutbound(process.env) }) }));
