import { reactive } from "vue";
import { ApiError } from "../../api/index.ts";
import { signupApi } from "../../api/signup.ts";

/**
 * The sign-up pages run on the base domain, where no workspace is: the app boots there from the sign-up
 * settings (GET /api/v1/signup) instead of a workspace's config. Closed (404), the pages say so.
 */
export const signupState = reactive({ open: false, baseDomain: "" });

export const isSignupPath = (pathname: string) => pathname === "/signup" || pathname.startsWith("/signup/");

/** What boot needs (the app's name, the language to load), from the sign-up settings. */
export async function signupBootConfig(): Promise<{ app_name: string; default_language: string }> {
  try {
    const config = await signupApi.config();
    Object.assign(signupState, { open: true, baseDomain: config.base_domain });
    return config;
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 404) throw err;
    return { app_name: document.title || "HelperIQ", default_language: "en" };
  }
}
