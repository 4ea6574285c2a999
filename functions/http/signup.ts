import { signupFamily } from "@helperiq/api/families/signup";
import { cloudDeps, createHandler } from "../runtime.ts";

export const handler = createHandler("signup", signupFamily, cloudDeps);
