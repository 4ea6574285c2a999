import { describeError } from "@helperiq/core/errors/describe";
import pg from "pg";
import type { DomainEvent } from "@helperiq/core/port/index";

/** NOTIFY payloads must stay under 8000 bytes; an event's JSON above this is sent without its `changes` values. */
const MAX_PAYLOAD = 7_500;
export const RELAY_CHANNEL = "helperiq_realtime";

/** A relayed event; `reload` lists the changed fields whose values the receiver must read from the database. */
export type RelayedEvent = { event: DomainEvent; reload?: string[] };

export type PgRelayOptions = {
  url: string;
  /** This process: its own notifications come back to it and are skipped (it delivered them locally already). */
  instanceId: string;
  /** One publication of another instance (one transaction's effects), in order. */
  onRemote: (relayed: RelayedEvent[]) => void;
  log?: (line: string) => void;
  channel?: string;
};

/**
 * Domain events between embedded server processes sharing one PostgreSQL server: every event published here
 * is NOTIFY'd on one channel, and every process LISTENs on a dedicated connection (outside the pool, since a
 * pooled connection would lose the LISTEN). Payloads are ids plus small `changes`; receivers load the rest
 * from the database. A lost connection is re-established with backoff; events NOTIFY'd while a listener
 * was away are not replayed (clients resubscribe and refetch on reconnect).
 */
export async function createPgRelay(options: PgRelayOptions) {
  const channel = options.channel ?? RELAY_CHANNEL;
  const log = options.log ?? ((line: string) => console.error(line));
  let client: pg.Client | undefined;
  let closing = false;
  let backoff = 100;
  let sending: Promise<void> = Promise.resolve();

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: options.url });
    next.on("notification", (msg) => {
      if (msg.channel !== channel || !msg.payload) return;
      const parsed = decode(msg.payload);
      if (parsed && parsed.origin !== options.instanceId && parsed.relayed.length) options.onRemote(parsed.relayed);
    });
    next.on("error", (err) => log(`[realtime] relay connection error: ${err.message}`));
    next.on("end", () => {
      if (client === next) client = undefined;
      if (!closing) setTimeout(reconnect, backoff).unref();
    });
    await next.connect();
    await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    client = next;
    backoff = 100;
  }

  function reconnect() {
    if (closing || client) return;
    connect().catch((err) => {
      log(`[realtime] relay reconnect failed: ${describeError(err)}`);
      backoff = Math.min(backoff * 2, 5_000);
      setTimeout(reconnect, backoff).unref();
    });
  }

  await connect();

  return {
    /** One NOTIFY per publication when it fits (more when it does not); publications are sent one at a time, in order. */
    publish(events: readonly DomainEvent[]): Promise<void> {
      const payloads = encode(options.instanceId, events);
      const run = sending.then(async () => {
        if (!client) throw new Error("realtime relay is not connected");
        for (const payload of payloads) await client.query("SELECT pg_notify($1, $2)", [channel, payload]);
      });
      sending = run.catch(() => undefined);
      return run;
    },
    async close() {
      await sending;
      closing = true;
      await client?.end().catch(() => undefined);
      client = undefined;
    },
  };
}

/** Packs a publication into as few payloads under the NOTIFY limit as it takes, in order. */
export function encode(origin: string, events: readonly DomainEvent[]): string[] {
  const items = events.map((event) => {
    const whole = JSON.stringify(event);
    if (Buffer.byteLength(whole) <= MAX_PAYLOAD - 100 || !("changes" in event)) return whole;
    // Too large (big custom attributes, an edited note): the receivers read the changed values themselves.
    return JSON.stringify({ ...event, changes: {}, reload: Object.keys(event.changes) });
  });
  const head = `{"o":${JSON.stringify(origin)},"e":[`;
  const payloads: string[] = [];
  let current: string[] = [];
  let size = head.length + 2;
  for (const item of items) {
    const added = Buffer.byteLength(item) + 1;
    if (current.length && size + added > MAX_PAYLOAD) {
      payloads.push(`${head}${current.join(",")}]}`);
      current = [];
      size = head.length + 2;
    }
    current.push(item);
    size += added;
  }
  if (current.length) payloads.push(`${head}${current.join(",")}]}`);
  return payloads;
}

function decode(payload: string): { origin: string; relayed: RelayedEvent[] } | null {
  try {
    const value = JSON.parse(payload) as { o?: unknown; e?: unknown };
    if (typeof value.o !== "string" || !Array.isArray(value.e)) return null;
    const relayed = value.e
      .filter(
        (e): e is Record<string, unknown> =>
          typeof e === "object" && e !== null && typeof (e as { type?: unknown }).type === "string",
      )
      .map(({ reload, ...event }) => {
        const r: RelayedEvent = { event: event as unknown as DomainEvent };
        if (Array.isArray(reload)) r.reload = reload.filter((k): k is string => typeof k === "string");
        return r;
      });
    return { origin: value.o, relayed };
  } catch {
    return null;
  }
}
