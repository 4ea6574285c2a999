import { agentsFamily } from "@helperiq/api/families/agents";
import { cloudDeps, createHandler } from "../runtime.ts";

export const handler = createHandler("agents", agentsFamily, cloudDeps);
