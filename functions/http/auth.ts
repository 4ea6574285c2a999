import { authRoutes } from "@helperiq/api/families/auth";
import { cloudDeps, createHandler } from "../runtime.ts";

export const handler = createHandler("auth", authRoutes, cloudDeps);
