import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * One owner of conversation writes: rows of `conversations` are inserted, updated and deleted only by
 * packages/core/src/conversation/ (its operations publish the events clients need). Anything else that
 * must change a conversation calls one of them.
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
const OWNER = "packages/core/src/conversation/";

/** A drizzle write of the table (`.update(conversations)`, `tx.delete(conversations)`…) or one in raw SQL. */
const WRITES =
  /\.(insert|update|delete)\(\s*conversations\s*\)|\b(insert\s+into|update|delete\s+from)\s+"?conversations"?\s+(set|values|where|\()/i;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === "node_modules" || entry.name === "migrations" ? [] : sourceFiles(full);
    return /\.(ts|mts)$/.test(entry.name) ? [full] : [];
  });
}

describe("writes of the conversations table", () => {
  it("happen in packages/core/src/conversation/ only", () => {
    const writers = ["packages", "functions"]
      .flatMap((dir) => sourceFiles(path.join(ROOT, dir)))
      .filter((file) => WRITES.test(readFileSync(file, "utf8")))
      .map((file) => path.relative(ROOT, file));
    expect(writers.length).toBeGreaterThan(0);
    expect(writers.filter((file) => !file.startsWith(OWNER))).toEqual([]);
  });

  it("are recognised however they are spelled, and reads are not", () => {
    for (const write of [
      "await tx.update(conversations).set({ statusId })",
      "db\n  .insert( conversations )\n  .values(row)",
      "await tx.delete(conversations).where(inArray(conversations.id, ids))",
      "sql`UPDATE conversations SET status_id = 1`",
      'sql`delete from "conversations" where id = 7`',
    ]) {
      expect(WRITES.test(write), write).toBe(true);
    }
    for (const read of [
      "tx.select().from(conversations).where(eq(conversations.id, id))",
      "db.update(conversationReads).set({ userId })",
      "innerJoin(conversations, eq(conversations.id, messages.conversationId))",
      "// updates conversations in bulk",
    ]) {
      expect(WRITES.test(read), read).toBe(false);
    }
  });
});
