import { completePasswordReset, requestPasswordReset } from "@helperiq/core/auth/password-reset";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../env.ts";
import { throttleAccount } from "../../account-throttle.ts";
import { ok, responds } from "../../middleware/envelope.ts";
import { done } from "../../responses/scalars.ts";
import { queuePasswordMail } from "../../password-mail.ts";
import { validate } from "../../validate.ts";
import { newPassword } from "./me.ts";

const resetRequest = z.object({ email: z.string().trim().min(1, "required").max(254) });
const setPasswordBody = z.object({ token: z.string().trim().min(1, "required").max(128), password: newPassword });

/**
 * Public password reset: request a link by email, then set the password with its token. The
 * request always answers the same 200, whether or not the email belongs to an enabled agent here.
 */
export const passwordRoutes = new Hono<AppEnv>()
  .post("/api/v1/agents/reset-password", validate("json", resetRequest), responds(done), async (c) => {
    // Bounds the reset mails one account can be sent, known or not.
    await throttleAccount(c, "password-reset", c.req.valid("json").email);
    const { database, clock } = c.get("deps");
    const grant = await requestPasswordReset(database.db, {
      tenantId: c.get("tenant").id,
      email: c.req.valid("json").email,
      now: clock.now(),
    });
    // Queued, not sent here: the request takes the same time whether or not the account exists.
    if (grant)
      await queuePasswordMail(c, { kind: "reset", to: grant.email, firstName: grant.firstName, token: grant.token });
    return ok(c, true);
  })
  .post("/api/v1/agents/set-password", validate("json", setPasswordBody), responds(done), async (c) => {
    const { token, password } = c.req.valid("json");
    await throttleAccount(c, "set-password", token);
    const { database, clock } = c.get("deps");
    await completePasswordReset(database.db, { tenantId: c.get("tenant").id, token, password, now: clock.now() });
    return ok(c, true);
  });
