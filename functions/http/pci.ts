import { pciFamily } from "@helperiq/api/families/pci";
import { cloudDeps, createHandler } from "../runtime.ts";

export const handler = createHandler("pci", pciFamily, cloudDeps);
