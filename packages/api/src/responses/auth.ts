import { z } from "zod";
import { me } from "./agent.ts";
import { int, timestamp } from "./scalars.ts";

/** A password sign-in: the signed-in agent (as GET /agents/me) and the CSRF token writes must echo. */
export const signedIn = me.extend({ csrf_token: z.string() }).meta({ id: "SignedIn" });

/** A Google mobile sign-in: an API key for this device. */
export const deviceSignIn = z
  .object({
    user: z.object({ id: int, email: z.string(), first_name: z.string() }),
    api_key: z.string(),
    expires_at: z.null().describe("Device keys do not expire; revoke them under /auth/devices."),
  })
  .meta({ id: "DeviceSignIn" });

/** A device's API key (never the key itself). */
export const deviceKey = z
  .object({
    id: int,
    name: z.string(),
    prefix: z.string(),
    created_at: timestamp.nullable(),
    last_used_at: timestamp.nullable(),
  })
  .meta({ id: "DeviceKey" });
