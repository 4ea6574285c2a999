import { z } from "zod";
import { int, timestamp } from "./scalars.ts";

/** An OpenID Connect sign-in provider (core/oidc `oidcProviderView`), with the redirect URI to register. */
export const oidcProvider = z
  .object({
    id: int,
    name: z.string(),
    provider_url: z.string(),
    client_id: z.string(),
    client_secret: z.string().describe("Masked: never the secret itself."),
    logo_url: z.string(),
    enabled: z.boolean(),
    created_at: timestamp,
    updated_at: timestamp,
    redirect_uri: z.string().describe("Register this at the provider: this workspace's finish URL."),
  })
  .meta({ id: "OidcProvider" });

/** An enabled provider as the sign-in page shows it (never its secrets). */
export const ssoProvider = z
  .object({
    id: int,
    name: z.string(),
    logo_url: z.string(),
    enabled: z.boolean(),
    login_url: z.string().describe("Where its button leads."),
  })
  .meta({ id: "SsoProvider" });
