import { and, asc, eq, isNull } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import type { Keyring } from "../crypto/secret-box.ts";
import { InputError, NotFoundError } from "../errors/index.ts";
import { checkReachableHost } from "../outbound/checks.ts";
import type { Outbound } from "../port/outbound.ts";
import { mailboxAddress } from "./address.ts";
import { emailConfigInput, livechatConfigInput, parseOrThrow } from "./config-schema.ts";
import type { EmailConfig, StoredSecrets } from "./email-config.ts";
import { type CHANNELS, inboxes } from "./inbox.sql.ts";
import { isNewSecret } from "../crypto/secret-box.ts";
import { generateSiteSecret, resolvePasswords, sealSecrets, secretsForView } from "./secrets.ts";
import { inboxView, type InboxRow, type InboxView } from "./view.ts";
import { assertInboxSlot } from "./slots.ts";

export { inboxView, type InboxView } from "./view.ts";
export { readLivechatInbox, type LivechatConfig, type LivechatInbox } from "./livechat-config.ts";
export { readEmailInbox, type EmailConfig, type EmailInbox, type StoredSecrets } from "./email-config.ts";
export { CHANNELS } from "./inbox.sql.ts";

export type Channel = (typeof CHANNELS)[number];
export const INBOX_NAME_MAX = 140;
const MIN_SITE_SECRET = 16;

export type InboxInput = {
  name: string;
  channel: Channel;
  /** The sender address of an email inbox (`Support <support@example.com>`); `config.from` is accepted too. */
  from?: string | undefined;
  enabled?: boolean | undefined;
  csat_enabled?: boolean | undefined;
  config?: Record<string, unknown> | undefined;
};

/** Every field optional. `config` keys replace the stored ones (lists as a whole); `channel` may only repeat itself. */
export type InboxUpdate = { [K in keyof InboxInput]?: InboxInput[K] | undefined };

const live = (ctx: Pick<Ctx, "tenantId">, id: number) =>
  and(eq(inboxes.id, id), eq(inboxes.tenantId, ctx.tenantId), isNull(inboxes.deletedAt));

export async function listInboxes(ctx: Ctx, ring: Keyring): Promise<InboxView[]> {
  const rows = await ctx.db
    .select()
    .from(inboxes)
    .where(and(eq(inboxes.tenantId, ctx.tenantId), isNull(inboxes.deletedAt)))
    .orderBy(asc(inboxes.id));
  return rows.map((row) => inboxView(ring, row));
}

/** A live (not deleted) inbox of the workspace; anything else, another workspace's included, is 404. */
export async function loadInbox(ctx: Ctx, id: number): Promise<InboxRow> {
  const [row] = await ctx.db.select().from(inboxes).where(live(ctx, id));
  if (!row) throw new NotFoundError("Inbox");
  return row;
}

export async function getInbox(ctx: Ctx, ring: Keyring, id: number): Promise<InboxView> {
  return inboxView(ring, await loadInbox(ctx, id));
}

type ChannelState = {
  config: Record<string, unknown>;
  from: string;
  secrets: StoredSecrets;
  generatedSiteSecret?: string;
};
export type Previous = { config: Record<string, unknown>; from: string; secrets: StoredSecrets };

/** `from` as given at the top level, else as `config.from`, else what was stored. */
export function fromOf(
  given: string | undefined,
  config: Record<string, unknown> | undefined,
  previous: string,
): string {
  if (given !== undefined) return given.trim();
  if (typeof config?.from === "string") return config.from.trim();
  return previous;
}

function checkFrom(from: string, required: boolean): string {
  if (!from) {
    if (required) throw new InputError("from: required");
    return "";
  }
  if (from.length > 320 || !mailboxAddress(from)) {
    throw new InputError(
      "from: must be an email address, optionally with a display name (Support <support@example.com>)",
    );
  }
  return from;
}

/** Validates a channel's config (with its defaults) and splits it into what is stored and what is sealed. */
export function channelState(
  channel: Channel,
  raw: Record<string, unknown>,
  from: string,
  previous: Previous,
): ChannelState {
  if (channel === "email") {
    const parsed = parseOrThrow(emailConfigInput, raw, "config");
    if (parsed.auth_type === "oauth")
      throw new InputError("config.auth_type: oauth is not supported yet; use password");
    const before = previous.config as Partial<EmailConfig>;
    const imap = resolvePasswords("config.imap", parsed.imap, before.imap ?? [], previous.secrets.imap, () => true);
    const smtp = resolvePasswords(
      "config.smtp",
      parsed.smtp,
      before.smtp ?? [],
      previous.secrets.smtp,
      (s) => s.username !== "",
    );
    const config: EmailConfig = {
      auth_type: parsed.auth_type,
      imap: parsed.imap.map(({ password: _, ...server }) => server),
      smtp: parsed.smtp.map(({ password: _, ...server }) => server),
      reply_to: parsed.reply_to,
      aliases: parsed.aliases,
      signature: parsed.signature,
      auto_assign_on_reply: parsed.auto_assign_on_reply,
      enable_plus_addressing: parsed.enable_plus_addressing,
      skip_pci_scan: parsed.skip_pci_scan,
    };
    return { config, from: checkFrom(from, true), secrets: { imap, smtp } };
  }
  const { site_secret, ...config } = parseOrThrow(livechatConfigInput, raw, "config");
  if (isNewSecret(site_secret) && site_secret.length < MIN_SITE_SECRET) {
    throw new InputError(`config.site_secret: must be at least ${MIN_SITE_SECRET} characters`);
  }
  const kept = isNewSecret(site_secret) ? site_secret : previous.secrets.site_secret;
  const generated = kept ? undefined : generateSiteSecret();
  return {
    config,
    from: checkFrom(from, false),
    secrets: { site_secret: kept ?? generated },
    ...(generated ? { generatedSiteSecret: generated } : {}),
  };
}

/** What saving an inbox needs besides the context: the keyring for its secrets, the policy for its mail hosts. */
export type InboxDeps = { secrets: Keyring; outbound: Outbound };

/** Every IMAP and SMTP host of an email config against the outbound policy: a refused one is a 400 naming it. */
async function checkMailHosts(outbound: Outbound, channel: Channel, config: Record<string, unknown>): Promise<void> {
  if (channel !== "email") return;
  const { imap, smtp } = config as EmailConfig;
  for (const [kind, servers] of [
    ["imap", imap],
    ["smtp", smtp],
  ] as const) {
    for (const [i, server] of servers.entries())
      await checkReachableHost(outbound, `config.${kind}[${i}].host`, server.host);
  }
}

/**
 * Creates an inbox. Passwords and the site secret are sealed into `secrets`; a live-chat inbox created
 * without a site secret gets a generated one, shown once in this response (the way API keys are).
 */
export async function createInbox(
  ctx: Ctx,
  { secrets: ring, outbound }: InboxDeps,
  input: InboxInput,
): Promise<InboxView> {
  const name = input.name.trim();
  if (!name) throw new InputError("name: required");
  const raw = input.config ?? {};
  const state = channelState(input.channel, raw, fromOf(input.from, raw, ""), { config: {}, from: "", secrets: {} });
  await checkMailHosts(outbound, input.channel, state.config);
  const row = await ctx.db.transaction(async (tx) => {
    await assertInboxSlot(tx, ctx.tenantId);
    const [inserted] = await tx
      .insert(inboxes)
      .values({
        tenantId: ctx.tenantId,
        name,
        channel: input.channel,
        enabled: input.enabled ?? true,
        csatEnabled: input.csat_enabled ?? false,
        from: state.from,
        config: state.config,
        secrets: sealSecrets(ring, state.secrets),
      })
      .returning();
    return inserted;
  });
  return inboxView(ring, row!, state.generatedSiteSecret);
}

export async function updateInbox(
  ctx: Ctx,
  { secrets: ring, outbound }: InboxDeps,
  id: number,
  input: InboxUpdate,
): Promise<InboxView> {
  const row = await loadInbox(ctx, id);
  if (input.channel !== undefined && input.channel !== row.channel) {
    throw new InputError("channel: cannot be changed after the inbox is created");
  }
  if (input.name !== undefined && !input.name.trim()) throw new InputError("name: required");
  const previous: Previous = { config: row.config, from: row.from, secrets: secretsForView(ring, row.secrets) };
  const from = fromOf(input.from, input.config, row.from);
  let changes: Partial<InboxRow> = {};
  if (input.config !== undefined) {
    const state = channelState(row.channel, { ...row.config, ...input.config }, from, previous);
    await checkMailHosts(outbound, row.channel, state.config);
    changes = { config: state.config, from: state.from, secrets: sealSecrets(ring, state.secrets) };
  } else if (from !== row.from) {
    changes = { from: checkFrom(from, row.channel === "email") };
  }
  const [updated] = await ctx.db
    .update(inboxes)
    .set({
      ...changes,
      name: input.name?.trim(),
      enabled: input.enabled,
      csatEnabled: input.csat_enabled,
      updatedAt: ctx.clock.now(),
    })
    .where(live(ctx, id))
    .returning();
  if (!updated) throw new NotFoundError("Inbox");
  return inboxView(ring, updated);
}

export async function toggleInbox(ctx: Ctx, ring: Keyring, id: number): Promise<InboxView> {
  const row = await loadInbox(ctx, id);
  const [updated] = await ctx.db
    .update(inboxes)
    .set({ enabled: !row.enabled, updatedAt: ctx.clock.now() })
    .where(and(live(ctx, id), eq(inboxes.enabled, row.enabled)))
    .returning();
  // Toggled by someone else in between: report the state it is in now.
  return inboxView(ring, updated ?? (await loadInbox(ctx, id)));
}

/**
 * Soft delete (as LibreDesk): the row stays so its conversations keep their inbox and remain readable,
 * but it disappears from the API, is disabled (no polling, no delivery, no widget) and its secrets are
 * dropped, since nothing can bring a deleted inbox back.
 */
export async function deleteInbox(ctx: Ctx, id: number): Promise<void> {
  const now = ctx.clock.now();
  const rows = await ctx.db
    .update(inboxes)
    .set({ deletedAt: now, enabled: false, secrets: null, updatedAt: now })
    .where(live(ctx, id))
    .returning({ id: inboxes.id });
  if (rows.length === 0) throw new NotFoundError("Inbox");
}
