import { and, eq } from "drizzle-orm";
import { jwtVerify, type JWTPayload } from "jose";
import { normalizeEmail } from "../contact/addresses.ts";
import { findOrCreateContactByEmail } from "../contact/identity.ts";
import { handOverConversations } from "../conversation/contacts.ts";
import { transaction, within } from "../db/transaction.ts";
import { AuthError, InputError } from "../errors/index.ts";
import type { LivechatInbox } from "../inbox/livechat-config.ts";
import { media } from "../media/media.sql.ts";
import { users } from "../user/user.sql.ts";
import type { WidgetUser } from "./conversations.ts";
import { createWidgetSession, deleteContactWidgetSessions, type NewWidgetSession, type WidgetCtx } from "./session.ts";

/**
 * Verified contacts (`auth/exchange`): the customer's site signs a short-lived JWT for its signed-in user
 * with the inbox's site secret (HS256; the key is the secret's UTF-8 bytes) and the widget trades it for a
 * widget session of the contact with that email (found case-insensitively, or created).
 *
 * Claims: `external_user_id` (LibreDesk) or `sub` — the site's id for the user; `email`; `first_name` (or
 * `name`), optional `last_name`; `exp` — required, at most MAX_JWT_LIFETIME_SECONDS ahead; `iat`, when
 * present, not in the future. A bad signature, an expired or not-yet-valid token is 401; a token that
 * verifies but lacks a claim is 400 naming it (`jwt.email: required`).
 */
export const MAX_JWT_LIFETIME_SECONDS = 3600;
const CLOCK_SKEW_SECONDS = 60;
const MAX_ID_LENGTH = 128;
const MAX_NAME_LENGTH = 128;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type SiteIdentity = { externalId: string; email: string; firstName: string; lastName: string };

export async function verifySiteJwt(token: string, secret: string, now: Date): Promise<SiteIdentity> {
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ["HS256"],
      currentDate: now,
      clockTolerance: CLOCK_SKEW_SECONDS,
    }));
  } catch {
    throw new AuthError("The site's token could not be verified (signature, expiry or format)");
  }
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (typeof claims.iat === "number" && claims.iat > nowSeconds + CLOCK_SKEW_SECONDS)
    throw new AuthError("The site's token is issued in the future");
  if (typeof claims.exp !== "number") throw new InputError("jwt.exp: required");
  if (claims.exp > nowSeconds + MAX_JWT_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) {
    throw new InputError(
      `jwt.exp: at most ${MAX_JWT_LIFETIME_SECONDS} seconds ahead (sign a fresh, short-lived token)`,
    );
  }
  const text = (name: string) => (typeof claims[name] === "string" ? (claims[name] as string).trim() : "");
  const externalId = text("external_user_id") || text("sub");
  if (!externalId) throw new InputError("jwt.external_user_id: required (or sub)");
  if (externalId.length > MAX_ID_LENGTH)
    throw new InputError(`jwt.external_user_id: at most ${MAX_ID_LENGTH} characters`);
  const email = normalizeEmail(text("email"));
  if (!email) throw new InputError("jwt.email: required");
  if (email.length > 254 || !EMAIL.test(email)) throw new InputError("jwt.email: must be an email address");
  const firstName = text("first_name") || text("name");
  if (!firstName) throw new InputError("jwt.first_name: required (or name)");
  const lastName = text("last_name");
  if (firstName.length > MAX_NAME_LENGTH || lastName.length > MAX_NAME_LENGTH)
    throw new InputError(`jwt.first_name: at most ${MAX_NAME_LENGTH} characters`);
  return { externalId, email, firstName, lastName };
}

export type Exchanged = { session: NewWidgetSession; user: WidgetUser; merged: boolean };

/**
 * Trades a site-signed JWT for a session of the verified contact. Acting as the browser's visitor of the
 * same inbox (LibreDesk's `X-Libredesk-Visitor-Token`), the visitor's history becomes the contact's: their
 * conversations, messages, read state and uploads move over, the visitor's sessions end and the visitor is
 * deleted, all in one transaction. Any other actor is ignored (`merged: false`).
 */
export async function exchangeSiteJwt(
  ctx: WidgetCtx,
  input: {
    inbox: LivechatInbox;
    jwt: string;
    ip?: string | null | undefined;
    userAgent?: string | null | undefined;
  },
): Promise<Exchanged> {
  if (!input.inbox.siteSecret) throw new InputError("jwt: this inbox has no site secret, so it cannot verify contacts");
  const { tenantId, actor } = ctx;
  const now = ctx.clock.now();
  const identity = await verifySiteJwt(input.jwt, input.inbox.siteSecret, now);
  const visitor = actor?.isVisitor && actor.inboxId === input.inbox.id && actor.tenantId === tenantId ? actor : null;
  return transaction(ctx, async (tx, after) => {
    const contactId = await findOrCreateContactByEmail(tx, tenantId, {
      first_name: identity.firstName,
      last_name: identity.lastName,
      email: identity.email,
    });
    const [contact] = await tx
      .select({ firstName: users.firstName, lastName: users.lastName, email: users.email })
      .from(users)
      .where(eq(users.id, contactId));
    if (visitor) {
      const card = { first_name: contact!.firstName, last_name: contact!.lastName, email: contact!.email };
      await handOverConversations(within({ ...ctx, actor: visitor }, tx, after), visitor.contactId, {
        id: contactId,
        card,
      });
      await tx
        .update(media)
        .set({ uploadedBy: contactId })
        .where(and(eq(media.tenantId, tenantId), eq(media.uploadedBy, visitor.contactId)));
      await deleteContactWidgetSessions(tx, visitor.contactId);
      await tx
        .update(users)
        .set({ deletedAt: now, updatedAt: now })
        .where(and(eq(users.id, visitor.contactId), eq(users.type, "visitor")));
    }
    const session = await createWidgetSession(tx, {
      tenantId,
      inboxId: input.inbox.id,
      contactId,
      externalId: identity.externalId,
      ip: input.ip,
      userAgent: input.userAgent,
      now,
    });
    return {
      session,
      user: { user_id: contactId, is_visitor: false, first_name: contact!.firstName, last_name: contact!.lastName },
      merged: visitor !== null,
    };
  });
}
