import { z } from "zod";
import { timestamp } from "./scalars.ts";

/** What the sign-up page needs before anyone has a workspace. */
export const signupConfig = z
  .object({
    app_name: z.string(),
    base_domain: z.string().describe("A workspace lives at `<slug>.<base_domain>`."),
    default_language: z.string(),
  })
  .meta({ id: "SignupConfig" });

export const signupRequested = z
  .object({
    email: z.string(),
    slug: z.string(),
    expires_at: timestamp.describe("Until when the mailed link works."),
  })
  .meta({ id: "SignupRequested" });

export const signupCompleted = z
  .object({
    workspace: z.object({ slug: z.string(), name: z.string() }),
    email: z.string(),
    workspace_url: z.string(),
    sign_in_url: z
      .string()
      .describe("Opening it once, within two minutes, signs the owner in on the workspace's own host."),
  })
  .meta({ id: "SignupCompleted" });
