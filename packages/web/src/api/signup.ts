import { call } from "./client.ts";
import { ENDPOINTS } from "./endpoints.ts";
import type { Body } from "./schema.ts";

/** Self-serve sign-up (features/signup), on the base domain before any workspace exists: nobody is signed in. */
export type SignupRequest = Body<"POST", "/api/v1/signup">;
export type SignupVerification = Body<"POST", "/api/v1/signup/verify">;

export const signupApi = {
  config: () => call(ENDPOINTS.signupConfig, { anonymous: true }),
  request: (body: SignupRequest) => call(ENDPOINTS.signup, { body, anonymous: true }),
  verify: (body: SignupVerification) => call(ENDPOINTS.verifySignup, { body, anonymous: true }),
};
