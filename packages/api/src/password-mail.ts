import { passwordResetLink, passwordResetMail, welcomeMail } from "@helperiq/core/auth/password-reset-mail";
import { getGeneralSettings } from "@helperiq/core/setting/general";
import type { Context } from "hono";
import type { AppEnv } from "./env.ts";
import { canonicalOrigin } from "./origin.ts";

/**
 * Queues a mail carrying a set-password link (reset or welcome): to the workspace's root_url setting, or
 * else its canonical origin. Never the request's Host: with a default workspace any Host reaches these
 * routes, and the link must not point wherever the requester said.
 */
export async function queuePasswordMail(
  c: Context<AppEnv>,
  input: { kind: "reset" | "welcome"; to: string; firstName: string; token: string },
) {
  const { database, config, queue } = c.get("deps");
  const tenant = c.get("tenant");
  const general = await getGeneralSettings(database.db, tenant.id, tenant.name || config.appName);
  const link = passwordResetLink(general.root_url || (await canonicalOrigin(c)), input.token);
  const compose = input.kind === "reset" ? passwordResetMail : welcomeMail;
  await queue.send({
    type: "mail.send",
    tenantId: tenant.id,
    mail: compose({ to: input.to, firstName: input.firstName, workspace: general.site_name, link }),
  });
}
