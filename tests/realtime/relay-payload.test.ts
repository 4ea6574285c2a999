import { encode } from "@helperiq/adapters/realtime/pg-relay";
import type { DomainEvent } from "@helperiq/core/port/index";
import { describe, expect, it } from "vitest";

/** NOTIFY payloads stay under PostgreSQL's 8000-byte limit whatever a publication holds. */
describe("relay payloads", () => {
  const uuid = "4b0c8d3e-1f7a-4c59-9a43-2d8e6f0b1c7a";

  it("packs a publication into one payload when it fits, in order", () => {
    const events: DomainEvent[] = [
      { type: "new_message", tenantId: 1, conversationUuid: uuid, messageUuid: uuid },
      { type: "conversation_update", tenantId: 1, conversationUuid: uuid, changes: { last_message: "hi" } },
    ];
    const payloads = encode("me", events);
    expect(payloads).toHaveLength(1);
    expect(JSON.parse(payloads[0]!)).toEqual({ o: "me", e: events });
  });

  it("splits long publications and sends the keys, not the values, of oversized changes", () => {
    const big = "x".repeat(20_000);
    const events: DomainEvent[] = [
      ...Array.from(
        { length: 100 },
        (_, i): DomainEvent => ({
          type: "new_message",
          tenantId: 1,
          conversationUuid: uuid,
          messageUuid: `${i}`.padStart(36, "0"),
        }),
      ),
      {
        type: "message_update",
        tenantId: 1,
        conversationUuid: uuid,
        messageUuid: uuid,
        changes: { content: big, text_content: big },
      },
    ];
    const payloads = encode("me", events);
    expect(payloads.length).toBeGreaterThan(1);
    for (const p of payloads) expect(Buffer.byteLength(p)).toBeLessThan(8000);
    const decoded = payloads.flatMap((p) => (JSON.parse(p) as { e: unknown[] }).e);
    expect(decoded).toHaveLength(101);
    expect(decoded.slice(0, 100)).toEqual(events.slice(0, 100));
    expect(decoded[100]).toEqual({
      type: "message_update",
      tenantId: 1,
      conversationUuid: uuid,
      messageUuid: uuid,
      changes: {},
      reload: ["content", "text_content"],
    });
  });
});
