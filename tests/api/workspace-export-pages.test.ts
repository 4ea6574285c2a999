import { createMemoryRateCounter } from "@helperiq/adapters/ratelimit/memory";
import { runWorkspaceJobs, type WorkspaceJobDeps } from "@helperiq/core/platform/workspace-jobs";
import { messages, workspaceJobs } from "@helperiq/core/schema";
import { eq, sql } from "drizzle-orm";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { createConversation, createTenant, type TestTenant } from "../support/factories.ts";

/**
 * A table larger than one page of the export's reads (5000 rows), spread over a hundred heap pages shared
 * with another workspace's rows: every row is in the archive exactly once. Pages cut in the text order of
 * ctids ("(10,1)" before "(2,1)") lost a quarter of a large workspace's messages and repeated others.
 */

let t: TestApp;
let a: TestTenant;
let deps: WorkspaceJobDeps;
const A_MESSAGES = 12_000;

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  const b = await createTenant(t);
  const inA = await createConversation(t, a);
  const inB = await createConversation(t, b);
  // Interleaved runs of both workspaces' rows, so the pages of A's rows hold B's rows too.
  const insert = (tenantId: number, conversationId: number, n: number) =>
    t.database.db.execute(sql`
      INSERT INTO messages (tenant_id, conversation_id, type, status, sender_type, content, text_content)
      SELECT ${tenantId}, ${conversationId}, 'incoming', 'received', 'contact', '<p>order ' || g || '</p>', 'order ' || g
      FROM generate_series(1, ${n}) g`);
  for (let run = 0; run < 4; run++) {
    await insert(a.id, inA.id, A_MESSAGES / 4);
    await insert(b.id, inB.id, 1000);
  }
  deps = {
    db: t.database.db,
    clock: t.clock,
    blobs: t.blobs,
    rateCounter: createMemoryRateCounter(),
    sockets: { closeWorkspace: async () => 0 },
  };
});
afterAll(() => t?.close());

describe("an export of a table larger than a page", () => {
  it("holds every row of the workspace exactly once, and none of another's", async () => {
    const [job] = await t.database.db
      .insert(workspaceJobs)
      .values({ tenantId: a.id, tenantSlug: a.slug, kind: "export", requestedBy: "test" })
      .returning();
    expect(await runWorkspaceJobs(deps)).toMatchObject({ done: 1 });
    const [row] = await t.database.db.select().from(workspaceJobs).where(eq(workspaceJobs.id, job!.id));
    const result = row!.result as { key: string; files: { name: string; rows?: number }[] };
    const zip = await JSZip.loadAsync((await t.blobs.get(result.key))!.body);
    const lines = (await zip.file("tables/messages.ndjson")!.async("string")).trim().split("\n");
    const ids = lines.map((line) => Number(JSON.parse(line).id));
    const tenantsSeen = new Set(lines.map((line) => JSON.parse(line).tenant_id));
    const stored = await t.database.db.select({ id: messages.id }).from(messages).where(eq(messages.tenantId, a.id));

    expect(stored.length).toBe(A_MESSAGES);
    expect(ids.length).toBe(A_MESSAGES);
    expect(new Set(ids).size).toBe(A_MESSAGES);
    expect([...ids].sort((x, y) => x - y)).toEqual(stored.map((m) => m.id).sort((x, y) => x - y));
    expect([...tenantsSeen]).toEqual([a.id]);
    expect(result.files.find((f) => f.name === "tables/messages.ndjson")?.rows).toBe(A_MESSAGES);
  });
});
