import { and, asc, eq, isNull, lt, ne, sql } from "drizzle-orm";
import { generateToken } from "../auth/token.ts";
import { iso } from "../db/iso.ts";
import { ConflictError, InputError, NotFoundError } from "../errors/index.ts";
import { recordPlatformAudit } from "../operator-audit/audit.ts";
import type { Db } from "../port/database.ts";
import { tenantDomains, tenants } from "../tenant/tenant.sql.ts";
import { customHostname, type OwnHosts } from "./hostname.ts";
import {
  checkCname,
  checkDnsRecord,
  checkWellKnown,
  TXT_PREFIX,
  txtRecordName,
  type VerifyPorts,
  wellKnownUrl,
} from "./verification.ts";

/**
 * A workspace's custom domains. A domain is claimed by one workspace at a time (the host name is the key) and
 * routes only once verified (tenant/resolve.ts); removing it frees the name at once.
 */

/**
 * Names one workspace may hold, pending ones included: a claim holds its name against every other workspace
 * until removed, so claims in bulk could keep names from their owners.
 */
export const MAX_DOMAINS_PER_WORKSPACE = 20;

/**
 * Age (from `created_at`) at which another workspace's unverified claim yields to a new claimant: a claim that
 * nobody proved in a week is abandoned or a squat, and must not keep the name from its owner for ever.
 */
export const PENDING_CLAIM_YIELDS_AFTER_MS = 7 * 24 * 3600_000;

export type CustomDomainView = {
  hostname: string;
  status: "verified" | "pending";
  created_at: string;
  verified_at: string | null;
  /** Why the last verification failed, in words; null before any attempt and after success. */
  last_error: string | null;
  /** What the customer sets up: either proof is enough, and a CNAME to `cname_target` makes the domain route. */
  verification: {
    dns: { type: "TXT"; name: string; value: string };
    http: { url: string; body: string };
    cname_target: string | null;
  };
};

/** `baseDomain` (its subdomains refused, `<slug>.<base>` the CNAME target) and the operator's other hosts. */
export type DomainSettings = OwnHosts & {
  /** Port of the HTTP check; shown in its URL when not 80. */
  httpPort?: number | undefined;
};

type Row = typeof tenantDomains.$inferSelect;

/** The workspace's own address, which a custom domain is a CNAME to; null without BASE_DOMAIN. */
const cnameTarget = (tenantSlug: string, settings: DomainSettings) =>
  settings.baseDomain ? `${tenantSlug}.${settings.baseDomain.toLowerCase()}` : null;

function view(row: Row, tenantSlug: string, settings: DomainSettings): CustomDomainView {
  return {
    hostname: row.hostname,
    status: row.verifiedAt ? "verified" : "pending",
    created_at: iso(row.createdAt),
    verified_at: iso(row.verifiedAt),
    last_error: row.lastError,
    verification: {
      dns: { type: "TXT", name: txtRecordName(row.hostname), value: `${TXT_PREFIX}${row.verificationToken}` },
      http: { url: wellKnownUrl(row.hostname, settings.httpPort), body: row.verificationToken },
      cname_target: cnameTarget(tenantSlug, settings),
    },
  };
}

export type DomainOwner = { id: number; slug: string };

export async function listCustomDomains(db: Db, tenant: DomainOwner, settings: DomainSettings) {
  const rows = await db
    .select()
    .from(tenantDomains)
    .where(eq(tenantDomains.tenantId, tenant.id))
    .orderBy(asc(tenantDomains.hostname));
  return rows.map((row) => view(row, tenant.slug, settings));
}

/**
 * Claims `rawHostname` for the workspace with a fresh verification token. A name this or another workspace
 * already holds is a 409 that does not say which workspace holds it, except another workspace's claim left
 * unverified for PENDING_CLAIM_YIELDS_AFTER_MS: it is removed and the new claim takes its place (an operator
 * audit row `domain.claim-yielded` names both workspaces).
 */
export async function addCustomDomain(
  db: Db,
  tenant: DomainOwner,
  rawHostname: string,
  settings: DomainSettings,
  now: Date,
): Promise<CustomDomainView> {
  const hostname = customHostname(rawHostname, settings);
  const row = await db.transaction(async (tx) => {
    // The workspace's row is locked so that concurrent claims count one after the other.
    await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenant.id)).for("update");
    const [held] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(tenantDomains)
      .where(eq(tenantDomains.tenantId, tenant.id));
    if (Number(held!.n) >= MAX_DOMAINS_PER_WORKSPACE) {
      throw new InputError(
        `hostname: a workspace holds at most ${MAX_DOMAINS_PER_WORKSPACE} domains; remove one first`,
      );
    }
    await yieldStaleClaim(tx, tenant, hostname, now);
    const [inserted] = await tx
      .insert(tenantDomains)
      .values({ hostname, tenantId: tenant.id, verificationToken: generateToken(), createdAt: now })
      .onConflictDoNothing({ target: tenantDomains.hostname })
      .returning();
    return inserted;
  });
  if (row) return view(row, tenant.slug, settings);
  const [holder] = await db
    .select({ tenantId: tenantDomains.tenantId })
    .from(tenantDomains)
    .where(eq(tenantDomains.hostname, hostname));
  throw new ConflictError(
    holder?.tenantId === tenant.id
      ? `hostname: ${hostname} is already added to this workspace`
      : `hostname: ${hostname} is already claimed by another workspace`,
  );
}

/**
 * Removes another workspace's claim of `hostname` that is still unverified PENDING_CLAIM_YIELDS_AFTER_MS after it
 * was made, in the claiming transaction (a domain added, or a workspace created with it). One conditional DELETE: a claim verified meanwhile (by a concurrent
 * verification) no longer matches, and stays.
 */
export async function yieldStaleClaim(
  tx: Db,
  claimant: { id: number | null; slug: string },
  hostname: string,
  now: Date,
): Promise<void> {
  const [stale] = await tx
    .delete(tenantDomains)
    .where(
      and(
        eq(tenantDomains.hostname, hostname),
        // A workspace being created (no id yet) holds nothing: any claim is another's.
        claimant.id === null ? undefined : ne(tenantDomains.tenantId, claimant.id),
        isNull(tenantDomains.verifiedAt),
        lt(tenantDomains.createdAt, new Date(now.getTime() - PENDING_CLAIM_YIELDS_AFTER_MS)),
      ),
    )
    .returning({ tenantId: tenantDomains.tenantId, createdAt: tenantDomains.createdAt });
  if (!stale) return;
  const [holder] = await tx.select({ slug: tenants.slug }).from(tenants).where(eq(tenants.id, stale.tenantId));
  await recordPlatformAudit(tx, {
    actor: `workspace:${claimant.slug}`,
    action: "domain.claim-yielded",
    workspaceSlug: holder?.slug ?? null,
    status: 200,
    detail: { hostname, claimed_by: claimant.slug, pending_since: iso(stale.createdAt) },
  });
}

async function ownRow(db: Db, tenantId: number, rawHostname: string): Promise<Row> {
  const hostname = rawHostname.trim().toLowerCase().replace(/\.$/, "");
  const [row] = await db
    .select()
    .from(tenantDomains)
    .where(and(eq(tenantDomains.tenantId, tenantId), eq(tenantDomains.hostname, hostname)));
  if (!row) throw new NotFoundError("Domain");
  return row;
}

export async function getCustomDomain(db: Db, tenant: DomainOwner, hostname: string, settings: DomainSettings) {
  return view(await ownRow(db, tenant.id, hostname), tenant.slug, settings);
}

/**
 * Checks both proofs (DNS TXT first: it needs nothing from the network path to this service; HTTP only for a
 * name that is a CNAME to this workspace's own address, verification.ts says why) and records the
 * outcome: `verified_at` on success (the domain routes from then on), else `last_error` naming why each
 * failed. An already verified domain is checked again, and stays verified: losing the record later does not
 * unroute a live help desk (removing the domain does).
 */
export async function verifyCustomDomain(
  db: Db,
  ports: VerifyPorts,
  tenant: DomainOwner,
  hostname: string,
  settings: DomainSettings,
  now: Date,
): Promise<CustomDomainView> {
  const row = await ownRow(db, tenant.id, hostname);
  const dnsProblem = await checkDnsRecord(ports.dns, row.hostname, row.verificationToken);
  const httpProblem =
    dnsProblem &&
    ((await checkCname(ports.dns, row.hostname, cnameTarget(tenant.slug, settings))) ??
      (await checkWellKnown(ports, row.hostname, row.verificationToken)));
  const verified = !dnsProblem || !httpProblem;
  const lastError = verified ? null : `DNS: ${dnsProblem}. HTTP: ${httpProblem}.`;
  const [updated] = await db
    .update(tenantDomains)
    .set(verified ? { verifiedAt: row.verifiedAt ?? now, lastError: null } : { lastError })
    .where(and(eq(tenantDomains.tenantId, tenant.id), eq(tenantDomains.hostname, row.hostname)))
    .returning();
  // Removed while being checked: it is gone, whatever the checks found.
  if (!updated) throw new NotFoundError("Domain");
  return view(updated, tenant.slug, settings);
}

export async function removeCustomDomain(db: Db, tenantId: number, hostname: string): Promise<void> {
  const row = await ownRow(db, tenantId, hostname);
  await db
    .delete(tenantDomains)
    .where(and(eq(tenantDomains.tenantId, tenantId), eq(tenantDomains.hostname, row.hostname)));
}

/** The token a host's well-known path answers: that host's claim's, verified or not; null for an unclaimed host. */
export async function domainVerificationToken(db: Db, host: string): Promise<string | null> {
  if (!host) return null;
  const [row] = await db
    .select({ token: tenantDomains.verificationToken })
    .from(tenantDomains)
    .where(eq(tenantDomains.hostname, host));
  return row?.token ?? null;
}
