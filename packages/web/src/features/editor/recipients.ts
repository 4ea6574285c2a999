import type { Conversation, Message } from "../../api/index.ts";
import { lastVisibleMessage } from "./quote.ts";

/** A list of addresses as typed: separated by commas, semicolons or spaces; empty entries dropped. */
export function parseAddresses(text: string): string[] {
  return text
    .split(/[,;\s]+/)
    .map((a) => a.trim())
    .filter(Boolean);
}

/** The address of `Name <address>` (the API takes bare addresses). */
const bare = (address: string) => (/<([^>]+)>/.exec(address)?.[1] ?? address).trim();

const lower = (s: string) => s.toLowerCase();

const addressList = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((a): a is string => typeof a === "string") : [];

/**
 * Who else a reply should copy, as "reply all" does: the other people on the latest mail of the thread
 * (an incoming mail's To and Cc, or the Cc of the last reply; the mail import and the reply store them in
 * the message's `meta`), without the inbox itself and without the contact (the reply goes To them).
 */
export function replyAllCc(conversation: Conversation, messages: readonly Message[]): string[] {
  const latest = lastVisibleMessage(messages);
  const meta = (latest as (Message & { meta?: Record<string, unknown> }) | undefined)?.meta ?? {};
  const candidates =
    latest?.type === "incoming" ? [...addressList(meta.to), ...addressList(meta.cc)] : addressList(meta.cc);
  const skip = new Set([bare(conversation.inbox_mail ?? ""), bare(conversation.contact.email ?? "")].map(lower));
  const seen = new Set<string>();
  return candidates.map(bare).filter((address) => {
    const key = lower(address);
    if (!key || skip.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
