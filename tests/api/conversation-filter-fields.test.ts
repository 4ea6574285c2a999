import { CONVERSATION_ORDER_KEYS } from "@helperiq/core/conversation/list";
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

/** GET /api/v1/conversations/filter-fields: what a filter builder may offer, from the lists' own allow-lists. */
const ROUTE = "/api/v1/conversations/filter-fields";

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let agent: TestAgent;

type Field = {
  field: string;
  type: string;
  operators: string[];
  options?: { value: string | number; label: string }[];
  label?: string;
  attribute_type?: string;
};

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
  agent = await createAgent(t, a, { permissions: ["conversations:read"], firstName: "Filtering" });
  await createInbox(t, a, { name: "Billing desk" });
  await createInbox(t, b, { name: "Other workspace desk" });
  await a.admin.post("/api/v1/tags", { name: "vip" });
  await b.admin.post("/api/v1/tags", { name: "secret-tag-of-b" });
  await a.admin.post("/api/v1/custom-attributes", {
    applies_to: "conversation",
    name: "Plan",
    key: "plan",
    type: "list",
    values: ["Free", "Pro"],
  });
  await a.admin.post("/api/v1/custom-attributes", {
    applies_to: "contact",
    name: "Shoe size",
    key: "shoe",
    type: "number",
  });
  await b.admin.post("/api/v1/custom-attributes", {
    applies_to: "conversation",
    name: "B only",
    key: "b_only",
    type: "text",
  });
});
afterAll(() => t.close());

const fieldsOf = async (who: TestAgent) => {
  const res = await who.client.get(ROUTE);
  expect(res.status).toBe(200);
  return res.body.data as { fields: Field[]; order_by: string[] };
};
const byName = (fields: Field[], name: string) => fields.find((f) => f.field === name);

describe("GET /api/v1/conversations/filter-fields", () => {
  it("lists the list's filter fields with their operators, the workspace's values and its conversation attributes", async () => {
    const { fields, order_by } = await fieldsOf(agent);
    expect(order_by).toEqual([...CONVERSATION_ORDER_KEYS]);
    for (const name of [
      "status_id",
      "priority_id",
      "assigned_user_id",
      "assigned_team_id",
      "inbox_id",
      "tags",
      "created_at",
      "last_message_at",
      "waiting_since",
    ])
      expect(byName(fields, name), name).toBeDefined();

    const status = byName(fields, "status_id")!;
    expect(status.type).toBe("number");
    expect(status.operators).toEqual(expect.arrayContaining(["=", "!=", "in", "not in", "set", "not set"]));
    expect(status.options?.map((o) => o.label)).toEqual(expect.arrayContaining(["Open", "Resolved"]));
    expect(byName(fields, "status")!.options?.find((o) => o.label === "Open")?.value).toBe("Open");
    expect(byName(fields, "priority_id")!.options?.map((o) => o.label)).toEqual(["Low", "Medium", "High", "Urgent"]);
    expect(byName(fields, "assigned_user_id")!.options).toContainEqual({ value: agent.id, label: "Filtering Smith" });
    expect(byName(fields, "inbox_id")!.options?.map((o) => o.label)).toContain("Billing desk");
    expect(byName(fields, "tags")!.options).toEqual([{ value: "vip", label: "vip" }]);
    expect(byName(fields, "subject")!.operators).toContain("contains");
    expect(byName(fields, "created_at")!.operators).toEqual(
      expect.arrayContaining(["between", "greater than", "less than"]),
    );
    expect(byName(fields, "created_at")!.operators).not.toContain("contains");

    // Conversation attributes only (not the contact's), compared as text, with a list's values.
    expect(byName(fields, "custom_attributes.plan")).toEqual({
      field: "custom_attributes.plan",
      type: "text",
      operators: expect.arrayContaining(["=", "contains", "set"]),
      label: "Plan",
      attribute_type: "list",
      options: [
        { value: "Free", label: "Free" },
        { value: "Pro", label: "Pro" },
      ],
    });
    expect(byName(fields, "custom_attributes.shoe")).toBeUndefined();
  });

  it("describes exactly what the list accepts: every field with each operator it lists is taken by the list", async () => {
    const { fields } = await fieldsOf(agent);
    await createConversation(t, a, { priorityId: 4 });
    for (const f of fields) {
      const value =
        f.options?.[0]?.value ?? (f.type === "date" ? "2024-01-01T00:00:00Z" : f.type === "number" ? 1 : "x");
      const filters = [{ field: f.field, operator: f.operators[0], value }];
      const res = await agent.client.get(
        `/api/v1/conversations/mentioned?filters=${encodeURIComponent(JSON.stringify(filters))}`,
      );
      expect(res.status, `${f.field} ${f.operators[0]}`).toBe(200);
    }
  });

  it("errors: needs a session and conversations:read", async () => {
    expect((await a.anonymous.get(ROUTE)).status).toBe(401);
    const without = await createAgent(t, a, { permissions: [] });
    const denied = await without.client.get(ROUTE);
    expect(denied.status).toBe(403);
    expect(denied.body.data.type).toBe("PermissionError");
  });

  it("cross-workspace: names nothing of another workspace (inboxes, tags, attributes, agents)", async () => {
    const text = JSON.stringify(await fieldsOf(agent));
    for (const theirs of ["Other workspace desk", "secret-tag-of-b", "b_only", b.adminEmail])
      expect(text).not.toContain(theirs);
  });
});
