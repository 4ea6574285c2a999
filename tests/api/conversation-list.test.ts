import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import {
  createAgent,
  createConversation,
  createInbox,
  createTenant,
  type TestAgent,
  type TestTenant,
} from "../support/factories.ts";

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let reader: TestAgent;
let inboxA: number;
const subjects: string[] = [];

const HOUR = 3_600_000;
const list = (query = "") => a.admin.get(`/api/v1/conversations/all${query}`);
const q = (params: Record<string, unknown>) =>
  "?" +
  new URLSearchParams(
    Object.entries(params).map(([k, v]): [string, string] => [k, typeof v === "string" ? v : JSON.stringify(v)]),
  );

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
  reader = await createAgent(t, a, { permissions: ["conversations:read_all"] });
  inboxA = (await createInbox(t, a)).id;
  const base = t.clock.now().getTime();
  // Seven conversations in A with distinct last_message_at (newest last), statuses and tags.
  const plan = [
    { status: "Open", tags: ["billing"] },
    { status: "Open", tags: ["billing", "vip"] },
    { status: "Resolved", tags: ["vip"] },
    { status: "Open", tags: [], priorityId: 4, customAttributes: { plan: "enterprise" } },
    { status: "Snoozed", tags: ["billing"] },
    { status: "Spam", tags: [] },
    { status: "Trashed", tags: [] },
  ];
  for (const [i, p] of plan.entries()) {
    const subject = `Case ${i}`;
    subjects.push(subject);
    await createConversation(t, a, { ...p, subject, inboxId: inboxA, lastMessageAt: new Date(base + i * HOUR) });
  }
  await createConversation(t, b, { subject: "B secret", tags: ["billing"] });
});
afterAll(() => t.close());

const subjectsOf = (res: { body: any }) => res.body.data.results.map((r: { subject: string }) => r.subject);

describe("conversations/all: pagination, sorting, filters", () => {
  it("lists all but spam and trash, newest message first, with the list row shape", async () => {
    const res = await list();
    expect(res.status).toBe(200);
    expect(subjectsOf(res)).toEqual(["Case 4", "Case 3", "Case 2", "Case 1", "Case 0"]);
    expect(res.body.data).toMatchObject({ total: 5, total_pages: 1, page: 1, page_size: 50 });
    const row = res.body.data.results.find((r: { subject: string }) => r.subject === "Case 1");
    expect(row).toMatchObject({
      status: "Open",
      priority: null,
      tags: ["billing", "vip"],
      unread_count: 0,
      inbox_id: inboxA,
      contact: { first_name: "Casey", last_name: "Customer", email: expect.stringContaining("@example.org") },
    });
    expect(row.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof row.reference_number).toBe("number");
    expect(new Date(row.last_message_at).toISOString()).toBe(row.last_message_at);
  });

  it("pages with page and page_size and sorts ascending on request", async () => {
    const p1 = await list(q({ page: "1", page_size: "2", order: "asc" }));
    expect(subjectsOf(p1)).toEqual(["Case 0", "Case 1"]);
    expect(p1.body.data).toMatchObject({ total: 5, total_pages: 3, page: 1, page_size: 2 });
    const p3 = await list(q({ page: "3", page_size: "2", order: "asc" }));
    expect(subjectsOf(p3)).toEqual(["Case 4"]);
    const beyond = await list(q({ page: "9", page_size: "2" }));
    expect(beyond.body.data.results).toEqual([]);
  });

  it("sorts by an allow-listed column with NULLs last", async () => {
    const res = await list(q({ order_by: "priority_id", order: "desc" }));
    expect(subjectsOf(res)[0]).toBe("Case 3");
  });

  it("filters by status names, tags, dates, numbers and custom attributes", async () => {
    expect(subjectsOf(await list(q({ statuses: "Resolved,Snoozed" })))).toEqual(["Case 4", "Case 2"]);
    expect(subjectsOf(await list(q({ filters: [{ field: "tags", operator: "contains", value: "vip" }] })))).toEqual([
      "Case 2",
      "Case 1",
    ]);
    expect(subjectsOf(await list(q({ filters: [{ field: "tags", operator: "not set", value: null }] })))).toEqual([
      "Case 3",
    ]);
    expect(
      subjectsOf(
        await list(
          q({
            filters: [
              { field: "tags", operator: "in", value: ["billing", "vip"] },
              { field: "subject", operator: "not contains", value: "1" },
            ],
          }),
        ),
      ),
    ).toEqual(["Case 4", "Case 2", "Case 0"]);
    expect(subjectsOf(await list(q({ filters: [{ field: "priority_id", operator: "=", value: 4 }] })))).toEqual([
      "Case 3",
    ]);
    expect(subjectsOf(await list(q({ filters: [{ field: "priority_id", operator: "not set" }] })))).toHaveLength(4);
    expect(
      subjectsOf(
        await list(q({ filters: [{ field: "custom_attributes.plan", operator: "equals", value: "enterprise" }] })),
      ),
    ).toEqual(["Case 3"]);
    const all = (await list()).body.data.results;
    const from = all.find((r: { subject: string }) => r.subject === "Case 1").last_message_at;
    const to = all.find((r: { subject: string }) => r.subject === "Case 3").last_message_at;
    expect(
      subjectsOf(await list(q({ filters: [{ field: "last_message_at", operator: "between", value: [from, to] }] }))),
    ).toEqual(["Case 3", "Case 2", "Case 1"]);
    expect(
      subjectsOf(await list(q({ filters: [{ field: "last_message_at", operator: "greater than", value: to }] }))),
    ).toEqual(["Case 4"]);
  });

  it("treats filter values as data, never as SQL", async () => {
    const res = await list(
      q({ filters: [{ field: "subject", operator: "contains", value: "'; DROP TABLE conversations; --" }] }),
    );
    expect(res.status).toBe(200);
    expect(res.body.data.total).toBe(0);
    const pct = await list(q({ filters: [{ field: "subject", operator: "contains", value: "%" }] }));
    expect(pct.body.data.total).toBe(0);
    expect((await list()).body.data.total).toBe(5);
  });
});

describe("conversations/all: bad input", () => {
  const bad = async (query: string, field: RegExp) => {
    const res = await list(query);
    expect(res.status).toBe(400);
    expect(res.body.data.type).toBe("InputError");
    expect(res.body.data.message).toMatch(field);
  };

  it("rejects bad pagination", async () => {
    await bad(q({ page: "0" }), /^page: /);
    await bad(q({ page: "x" }), /^page: /);
    await bad(q({ page_size: "101" }), /^page_size: /);
    await bad(q({ page_size: "0" }), /^page_size: /);
    await bad(q({ order: "sideways" }), /^order: /);
    await bad(q({ order_by: "password_hash" }), /^order_by: /);
  });

  it("rejects bad filters, naming the offending part", async () => {
    await bad("?filters=not-json", /^filters: must be a JSON array/);
    await bad(q({ filters: { field: "status_id" } }), /^filters: must be a JSON array/);
    await bad(
      q({ filters: [{ field: "password_hash", operator: "=", value: "x" }] }),
      /^filters\[0\]\.field: unknown field/,
    );
    await bad(
      q({ filters: [{ field: "status_id", operator: "like", value: 1 }] }),
      /^filters\[0\]\.operator: unknown operator/,
    );
    await bad(
      q({ filters: [{ field: "status_id", operator: "contains", value: 1 }] }),
      /^filters\[0\]\.operator: .* not allowed/,
    );
    await bad(
      q({ filters: [{ field: "status_id", operator: "=", value: "abc" }] }),
      /^filters\[0\]\.value: must be a number/,
    );
    await bad(
      q({ filters: [{ field: "created_at", operator: "between", value: ["2026-01-01"] }] }),
      /^filters\[0\]\.value: between/,
    );
    await bad(
      q({ filters: [{ field: "created_at", operator: "less than", value: "yesterday" }] }),
      /^filters\[0\]\.value: must be an ISO/,
    );
    await bad(
      q({ filters: [{ field: "inbox_id", operator: "in", value: [] }] }),
      /^filters\[0\]\.value: must be a non-empty array/,
    );
    await bad(
      q({ filters: [{ field: "custom_attributes.x'y", operator: "=", value: "1" }] }),
      /invalid custom attribute key/,
    );
    await bad(q({ filters: [{ field: "tags", operator: "between", value: [1, 2] }] }), /^filters\[0\]\.operator: /);
    await bad(q({ statuses: "Open,Nonexistent" }), /^statuses: unknown status "Nonexistent"/);
  });
});

describe("conversations/all: security", () => {
  it("needs conversations:read_all", async () => {
    const limited = await createAgent(t, a, { permissions: ["conversations:read", "conversations:read_assigned"] });
    const res = await limited.client.get("/api/v1/conversations/all");
    expect(res.status).toBe(403);
    expect(res.body.data.type).toBe("PermissionError");
    expect((await a.anonymous.get("/api/v1/conversations/all")).status).toBe(401);
    expect((await reader.client.get("/api/v1/conversations/all")).status).toBe(200);
  });

  it("never lists another workspace's conversations", async () => {
    const res = await list(q({ filters: [{ field: "tags", operator: "contains", value: "billing" }] }));
    expect(subjectsOf(res)).not.toContain("B secret");
    const other = await b.admin.get("/api/v1/conversations/all");
    expect(subjectsOf(other)).toEqual(["B secret"]);
  });
});
