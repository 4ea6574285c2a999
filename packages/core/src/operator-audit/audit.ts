import { and, desc, eq, lt } from "drizzle-orm";
import type { Db } from "../port/database.ts";
import { platformAudit } from "./operator-audit.sql.ts";

/** One operator call as the audit log keeps it. */
export type PlatformAuditEntry = {
  /** `api:<key fingerprint>`, `cli:<os user>` or `signup:<email>`. */
  actor: string;
  /** What was asked, e.g. `workspace.create`. */
  action: string;
  workspaceSlug?: string | null | undefined;
  /** HTTP status of the outcome (the CLI records the status the same call over HTTP would have had). */
  status: number;
  ip?: string | null | undefined;
  /** What was asked, never a secret: names of changed fields, a suspension reason, an error message. */
  detail?: Record<string, unknown> | undefined;
};

/** Appends an entry; the audit log is only ever appended to (a purge leaves it). */
export async function recordPlatformAudit(db: Db, entry: PlatformAuditEntry): Promise<void> {
  await db.insert(platformAudit).values({
    actor: entry.actor,
    action: entry.action,
    workspaceSlug: entry.workspaceSlug ?? null,
    status: entry.status,
    ip: entry.ip ?? null,
    detail: entry.detail ?? {},
  });
}

export type PlatformAuditView = {
  id: number;
  at: string;
  actor: string;
  action: string;
  workspace_slug: string | null;
  status: number;
  ip: string | null;
  detail: Record<string, unknown>;
};

/** The newest entries first, optionally of one workspace; `before` (an id) pages further back. */
export async function listPlatformAudit(
  db: Db,
  q: { workspaceSlug?: string | undefined; before?: number | undefined; limit: number },
): Promise<PlatformAuditView[]> {
  const where = and(
    q.workspaceSlug === undefined ? undefined : eq(platformAudit.workspaceSlug, q.workspaceSlug),
    q.before === undefined ? undefined : lt(platformAudit.id, q.before),
  );
  const rows = await db.select().from(platformAudit).where(where).orderBy(desc(platformAudit.id)).limit(q.limit);
  return rows.map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    actor: r.actor,
    action: r.action,
    workspace_slug: r.workspaceSlug,
    status: r.status,
    ip: r.ip,
    detail: r.detail,
  }));
}
