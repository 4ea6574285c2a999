import { contactsFamily } from "@helperiq/api/families/contacts";
import { cloudDeps, createHandler } from "../runtime.ts";

export const handler = createHandler("contacts", contactsFamily, cloudDeps);
