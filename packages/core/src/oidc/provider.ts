import { and, asc, eq } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { isNewSecret, mask, seal, unseal, type Keyring } from "../crypto/secret-box.ts";
import { iso } from "../db/iso.ts";
import { withUniqueName } from "../db/unique.ts";
import { NotFoundError } from "../errors/index.ts";
import { checkReachableUrl } from "../outbound/checks.ts";
import type { Db } from "../port/database.ts";
import type { Outbound } from "../port/outbound.ts";
import { oidcProviders } from "./oidc.sql.ts";
import { checkLogoUrl, checkProviderUrl } from "./urls.ts";

export const OIDC_NAME_MAX = 140;

type ProviderRow = typeof oidcProviders.$inferSelect;

/** The API's view of a provider: the client secret is only ever shown masked. */
export function oidcProviderView(row: ProviderRow) {
  return {
    id: row.id,
    name: row.name,
    provider_url: row.providerUrl,
    client_id: row.clientId,
    client_secret: mask(row.clientSecret),
    logo_url: row.logoUrl,
    enabled: row.enabled,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}
export type OidcProviderView = ReturnType<typeof oidcProviderView>;

export type OidcProviderInput = {
  name: string;
  provider_url: string;
  client_id: string;
  client_secret: string;
  logo_url?: string | undefined;
  enabled?: boolean | undefined;
};

/** Every field optional; an empty or masked `client_secret` keeps the stored one. */
export type OidcProviderUpdate = { [K in keyof OidcProviderInput]?: OidcProviderInput[K] | undefined };

const byId = (ctx: Pick<Ctx, "tenantId">, id: number) =>
  and(eq(oidcProviders.id, id), eq(oidcProviders.tenantId, ctx.tenantId));

export async function listOidcProviders(ctx: Ctx): Promise<OidcProviderView[]> {
  const rows = await ctx.db
    .select()
    .from(oidcProviders)
    .where(eq(oidcProviders.tenantId, ctx.tenantId))
    .orderBy(asc(oidcProviders.id));
  return rows.map(oidcProviderView);
}

export async function getOidcProvider(ctx: Ctx, id: number): Promise<OidcProviderView> {
  const [row] = await ctx.db.select().from(oidcProviders).where(byId(ctx, id));
  if (!row) throw new NotFoundError("OIDC provider");
  return oidcProviderView(row);
}

/** What saving a provider needs besides the context: the keyring for its secret, the policy for its URL. */
export type ProviderDeps = { secrets: Keyring; outbound: Outbound };

/** `provider_url` checked for shape, then against the outbound policy (a refused host is a 400 naming it). */
async function providerUrlOf(outbound: Outbound, value: string): Promise<string> {
  const url = checkProviderUrl(value);
  await checkReachableUrl(outbound, "provider_url", url);
  return url;
}

export async function createOidcProvider(
  ctx: Ctx,
  { secrets, outbound }: ProviderDeps,
  input: OidcProviderInput,
): Promise<OidcProviderView> {
  const values = {
    tenantId: ctx.tenantId,
    name: input.name,
    providerUrl: await providerUrlOf(outbound, input.provider_url),
    clientId: input.client_id,
    clientSecret: seal(secrets, input.client_secret),
    logoUrl: checkLogoUrl(input.logo_url ?? ""),
    enabled: input.enabled ?? true,
  };
  const [row] = await withUniqueName("provider", input.name, () =>
    ctx.db.insert(oidcProviders).values(values).returning(),
  );
  return oidcProviderView(row!);
}

export async function updateOidcProvider(
  ctx: Ctx,
  { secrets, outbound }: ProviderDeps,
  id: number,
  input: OidcProviderUpdate,
): Promise<OidcProviderView> {
  // Nothing, or the mask the API showed, keeps the stored secret: an edit form can send a provider back as it got it.
  const newSecret = isNewSecret(input.client_secret) ? input.client_secret : undefined;
  const changes = {
    name: input.name,
    providerUrl: input.provider_url === undefined ? undefined : await providerUrlOf(outbound, input.provider_url),
    clientId: input.client_id,
    clientSecret: newSecret === undefined ? undefined : seal(secrets, newSecret),
    logoUrl: input.logo_url === undefined ? undefined : checkLogoUrl(input.logo_url),
    enabled: input.enabled,
    updatedAt: ctx.clock.now(),
  };
  const [row] = await withUniqueName("provider", input.name, () =>
    ctx.db.update(oidcProviders).set(changes).where(byId(ctx, id)).returning(),
  );
  if (!row) throw new NotFoundError("OIDC provider");
  return oidcProviderView(row);
}

export async function deleteOidcProvider(ctx: Ctx, id: number): Promise<void> {
  const rows = await ctx.db.delete(oidcProviders).where(byId(ctx, id)).returning({ id: oidcProviders.id });
  if (rows.length === 0) throw new NotFoundError("OIDC provider");
}

/** The sign-in buttons of a workspace's login page: enabled providers, nothing secret. */
export async function listSsoProviders(db: Db, tenantId: number) {
  return db
    .select({ id: oidcProviders.id, name: oidcProviders.name, logo_url: oidcProviders.logoUrl })
    .from(oidcProviders)
    .where(and(eq(oidcProviders.tenantId, tenantId), eq(oidcProviders.enabled, true)))
    .orderBy(asc(oidcProviders.id));
}

/** What the login flow needs of a provider, with its client secret unsealed. */
export type SsoProvider = { id: number; providerUrl: string; clientId: string; clientSecret: string };

/** An enabled provider of `tenantId`; unknown, disabled and other workspaces' providers are all 404. */
export async function loadSsoProvider(db: Db, secrets: Keyring, tenantId: number, id: number): Promise<SsoProvider> {
  const [row] = await db
    .select({
      id: oidcProviders.id,
      providerUrl: oidcProviders.providerUrl,
      clientId: oidcProviders.clientId,
      clientSecret: oidcProviders.clientSecret,
    })
    .from(oidcProviders)
    .where(and(byId({ tenantId }, id), eq(oidcProviders.enabled, true)));
  if (!row) throw new NotFoundError("OIDC provider");
  return { ...row, clientSecret: unseal(secrets, row.clientSecret) };
}
