import { and, eq, gt, inArray, isNull, lte } from "drizzle-orm";
import { generateToken, hashToken } from "../auth/token.ts";
import type { ContactActor, Ctx } from "../context/index.ts";
import { inboxes } from "../inbox/inbox.sql.ts";
import type { Db } from "../port/database.ts";
import { users } from "../user/user.sql.ts";
import { widgetSessions } from "./widget.sql.ts";

const DAY = 86_400_000;
/** A visitor keeps their chat history on that browser for half a year of inactivity (LibreDesk's default). */
export const WIDGET_SESSION_TTL_MS = 180 * DAY;
/** Sliding expiry, as agent sessions: used in the second half of its life, a session gets a full TTL again. */
const RENEW_WITHIN_MS = WIDGET_SESSION_TTL_MS / 2;
/** Tells widget tokens apart from agent API keys (`lk_…`) in logs and headers. */
export const WIDGET_TOKEN_PREFIX = "wt_";

/**
 * A live widget session. REST calls present the token as `Authorization: Bearer wt_…`; the widget
 * WebSocket (`/widget/ws`) takes it as the `token` query parameter (browsers cannot set headers there).
 */
export type WidgetSession = {
  tenantId: number;
  inboxId: number;
  inboxUuid: string;
  contactId: number;
  /** An anonymous visitor (true) or a contact verified by the site's JWT (false). */
  isVisitor: boolean;
  externalId: string | null;
  expiresAt: Date;
};

export type NewWidgetSession = { token: string; expiresAt: Date };

/** Who acts through a widget session: its contact, in its inbox. */
export function contactActor(session: WidgetSession): ContactActor {
  return {
    type: "contact",
    tenantId: session.tenantId,
    contactId: session.contactId,
    inboxId: session.inboxId,
    isVisitor: session.isVisitor,
  };
}

/**
 * A widget request's context where a session is optional (`conversations/init`, `auth/exchange`): the
 * session's contact, or null for a page that has none yet.
 */
export type WidgetCtx = Omit<Ctx, "actor"> & { actor: ContactActor | null };

export async function createWidgetSession(
  db: Db,
  input: {
    tenantId: number;
    inboxId: number;
    contactId: number;
    externalId?: string | null;
    ip?: string | null;
    userAgent?: string | null;
    now: Date;
  },
): Promise<NewWidgetSession> {
  const token = `${WIDGET_TOKEN_PREFIX}${generateToken()}`;
  const expiresAt = new Date(input.now.getTime() + WIDGET_SESSION_TTL_MS);
  await db.insert(widgetSessions).values({
    id: hashToken(token),
    tenantId: input.tenantId,
    inboxId: input.inboxId,
    contactId: input.contactId,
    externalId: input.externalId ?? null,
    expiresAt,
    ip: input.ip ?? null,
    userAgent: input.userAgent?.slice(0, 512) ?? null,
  });
  return { token, expiresAt };
}

/**
 * The session of `token` in workspace `tenantId`, or null: unknown, expired, another workspace's, its
 * contact deleted, or its inbox no longer an enabled live-chat inbox. Used by the widget REST routes and
 * by the realtime hub for `/widget/ws`.
 */
export async function verifyWidgetSession(
  db: Db,
  tenantId: number,
  token: string,
  now: Date = new Date(),
): Promise<WidgetSession | null> {
  if (!token.startsWith(WIDGET_TOKEN_PREFIX) || token.length > 128) return null;
  const id = hashToken(token);
  const [row] = await db
    .select({
      inboxId: widgetSessions.inboxId,
      inboxUuid: inboxes.uuid,
      contactId: widgetSessions.contactId,
      contactType: users.type,
      externalId: widgetSessions.externalId,
      expiresAt: widgetSessions.expiresAt,
    })
    .from(widgetSessions)
    .innerJoin(users, eq(users.id, widgetSessions.contactId))
    .innerJoin(inboxes, eq(inboxes.id, widgetSessions.inboxId))
    .where(
      and(
        eq(widgetSessions.id, id),
        eq(widgetSessions.tenantId, tenantId),
        gt(widgetSessions.expiresAt, now),
        isNull(users.deletedAt),
        inArray(users.type, ["visitor", "contact"]),
        eq(inboxes.tenantId, tenantId),
        eq(inboxes.channel, "livechat"),
        eq(inboxes.enabled, true),
        isNull(inboxes.deletedAt),
      ),
    )
    .limit(1);
  if (!row) return null;
  let expiresAt = row.expiresAt;
  if (expiresAt.getTime() - now.getTime() < RENEW_WITHIN_MS) {
    expiresAt = new Date(now.getTime() + WIDGET_SESSION_TTL_MS);
    await db.update(widgetSessions).set({ expiresAt }).where(eq(widgetSessions.id, id));
  }
  return {
    tenantId,
    inboxId: row.inboxId,
    inboxUuid: row.inboxUuid,
    contactId: row.contactId,
    isVisitor: row.contactType === "visitor",
    externalId: row.externalId,
    expiresAt,
  };
}

/** Ends every session of a contact (a visitor merged into a verified contact). */
export async function deleteContactWidgetSessions(db: Db, contactId: number): Promise<void> {
  await db.delete(widgetSessions).where(eq(widgetSessions.contactId, contactId));
}

/** Housekeeping for the session cleanup job: expired widget sessions. */
export async function deleteExpiredWidgetSessions(db: Db, now: Date): Promise<number> {
  const gone = await db
    .delete(widgetSessions)
    .where(lte(widgetSessions.expiresAt, now))
    .returning({ id: widgetSessions.id });
  return gone.length;
}
