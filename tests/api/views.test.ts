import { MAX_PERSONAL_VIEWS } from "@helperiq/core/view/index";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { createAgent, createTenant, type TestAgent, type TestTenant } from "../support/factories.ts";

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let agent: TestAgent;
let colleague: TestAgent;

const MINE = "/api/v1/views/me";
const SHARED = "/api/v1/shared-views";

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
  agent = await createAgent(t, a, { permissions: ["conversations:read"] });
  colleague = await createAgent(t, a, { permissions: ["conversations:read"] });
  await a.admin.post("/api/v1/custom-attributes", {
    applies_to: "conversation",
    name: "Plan",
    key: "plan",
    type: "text",
  });
});
afterAll(() => t.close());

const urgentOpen = [
  { field: "priority_id", operator: "=", value: 4 },
  { field: "tags", operator: "contains", value: "vip" },
];
const namesOf = (res: { body: { data: { name: string }[] } }) => res.body.data.map((v) => v.name);

describe("views: happy path", () => {
  it("keeps an agent's personal views to themselves: create, list (GET /api/v1/views/me), update and delete (PUT, DELETE /api/v1/views/me/:id)", async () => {
    const created = await agent.client.post(MINE, { name: "My urgent", filters: urgentOpen });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({
      name: "My urgent",
      filters: urgentOpen,
      visibility: "user",
      user_id: agent.id,
    });
    const id = created.body.data.id;
    expect(namesOf(await agent.client.get(MINE))).toEqual(["My urgent"]);
    expect(namesOf(await colleague.client.get(MINE))).toEqual([]);
    expect(namesOf(await agent.client.get("/api/v1/views/shared"))).not.toContain("My urgent");

    const filters = [{ field: "custom_attributes.plan", operator: "=", value: "Pro" }];
    const updated = await agent.client.put(`${MINE}/${id}`, { name: "Pro customers", filters });
    expect(updated.body.data).toMatchObject({ id, name: "Pro customers", filters });
    expect((await agent.client.put(`${MINE}/${id}`, { name: "Renamed" })).body.data.filters).toEqual(filters);

    expect((await agent.client.delete(`${MINE}/${id}`)).status).toBe(200);
    expect((await agent.client.get(MINE)).body.data).toEqual([]);
  });

  it("stores each filter as {field, operator, value} and accepts an empty filter list", async () => {
    const res = await agent.client.post(MINE, {
      name: "Unassigned",
      filters: [
        { field: "assigned_user_id", operator: "not set", label: "ignored" },
        { field: "created_at", operator: "between", value: ["2024-01-01", "2024-12-31"] },
      ],
    });
    expect(res.body.data.filters).toEqual([
      { field: "assigned_user_id", operator: "not set" },
      { field: "created_at", operator: "between", value: ["2024-01-01", "2024-12-31"] },
    ]);
    expect((await agent.client.post(MINE, { name: "Everything", filters: [] })).status).toBe(201);
  });

  it("shares views: managed under /api/v1/shared-views (GET; GET, PUT, DELETE /api/v1/shared-views/:id), readable by every agent under /api/v1/views/shared", async () => {
    const created = await a.admin.post(SHARED, { name: "Team VIPs", filters: urgentOpen });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ visibility: "all", user_id: a.adminId });
    const id = created.body.data.id;
    expect(namesOf(await agent.client.get("/api/v1/views/shared"))).toContain("Team VIPs");
    expect(namesOf(await a.admin.get(SHARED))).toContain("Team VIPs");
    expect((await a.admin.get(`${SHARED}/${id}`)).body.data.name).toBe("Team VIPs");
    expect((await a.admin.put(`${SHARED}/${id}`, { name: "VIPs" })).body.data).toMatchObject({
      name: "VIPs",
      filters: urgentOpen,
    });
    // A shared view is nobody's personal view, not even its author's.
    expect(namesOf(await a.admin.get(MINE))).not.toContain("VIPs");
    expect((await a.admin.put(`${MINE}/${id}`, { name: "x" })).status).toBe(404);
    expect((await a.admin.delete(`${SHARED}/${id}`)).status).toBe(200);
    expect(namesOf(await agent.client.get("/api/v1/views/shared"))).not.toContain("VIPs");
  });
});

describe("views: errors", () => {
  it("checks filters as the conversation list compiles them, naming the filter", async () => {
    const cases: [unknown, RegExp][] = [
      [[{ field: "password", operator: "=", value: 1 }], /^filters\[0\]\.field: unknown field/],
      [
        [
          { field: "status_id", operator: "=", value: 1 },
          { field: "status_id", operator: "like", value: 1 },
        ],
        /^filters\[1\]\.operator: /,
      ],
      [[{ field: "status_id", operator: "contains", value: 1 }], /^filters\[0\]\.operator: .*not allowed/],
      [[{ field: "status_id", operator: "=", value: "one" }], /^filters\[0\]\.value: must be a number/],
      [[{ field: "created_at", operator: "between", value: ["2024-01-01"] }], /^filters\[0\]\.value: /],
      [
        [{ field: "custom_attributes.nope", operator: "=", value: "x" }],
        /^filters\[0\]\.field: no conversation attribute/,
      ],
      [
        [{ field: "custom_attributes.Bad-Key", operator: "=", value: "x" }],
        /^filters\[0\]\.field: invalid custom attribute key/,
      ],
      [["status_id"], /^filters\[0\]: must be an object/],
      ['[{"field":"status_id"}]', /^filters: /],
      [undefined, /^filters: /],
    ];
    for (const [filters, message] of cases) {
      const res = await agent.client.post(MINE, { name: "Bad", filters });
      expect(res.status, JSON.stringify(filters)).toBe(400);
      expect(res.body.data).toEqual({ type: "InputError", message: expect.stringMatching(message) });
    }
    const { id } = (await a.admin.post(SHARED, { name: "Shared ok", filters: [] })).body.data;
    const res = await a.admin.put(`${SHARED}/${id}`, { filters: [{ field: "inbox_id", operator: "in", value: [] }] });
    expect(res.body.data.message).toMatch(/^filters\[0\]\.value: must be a non-empty array/);
  });

  it("validates names and empty updates; 404 for unknown ids, 400 for malformed ones", async () => {
    expect((await agent.client.post(MINE, { name: "n".repeat(141), filters: [] })).body.data.message).toMatch(
      /^name: /,
    );
    expect((await agent.client.post(MINE, { name: " ", filters: [] })).body.data.message).toMatch(/^name: /);
    const { id } = (await agent.client.post(MINE, { name: "Keep", filters: [] })).body.data;
    expect((await agent.client.put(`${MINE}/${id}`, {})).status).toBe(400);
    expect((await agent.client.put(`${MINE}/999999`, { name: "x" })).status).toBe(404);
    expect((await agent.client.delete(`${MINE}/999999`)).status).toBe(404);
    expect((await a.admin.get(`${SHARED}/999999`)).status).toBe(404);
    expect((await agent.client.put(`${MINE}/abc`, { name: "x" })).body.data.message).toMatch(/^id: /);
  });

  it(`caps personal views at ${MAX_PERSONAL_VIEWS} per agent`, async () => {
    const hoarder = await createAgent(t, a);
    for (let i = 0; i < MAX_PERSONAL_VIEWS; i++) {
      expect((await hoarder.client.post(MINE, { name: `View ${i}`, filters: [] })).status).toBe(201);
    }
    const res = await hoarder.client.post(MINE, { name: "One too many", filters: [] });
    expect(res.status).toBe(400);
    expect(res.body.data.message).toMatch(/at most/);
    expect((await colleague.client.post(MINE, { name: "Unaffected", filters: [] })).status).toBe(201);
  });
});

describe("views: security", () => {
  it("needs credentials", async () => {
    for (const path of [MINE, "/api/v1/views/shared", SHARED]) {
      const res = await a.anonymous.get(path);
      expect(res.status).toBe(401);
      expect(res.body.data.type).toBe("AuthError");
    }
  });

  it("lets only the owner change a personal view", async () => {
    const { id } = (await agent.client.post(MINE, { name: "Owned", filters: [] })).body.data;
    for (const other of [colleague.client, a.admin]) {
      expect((await other.put(`${MINE}/${id}`, { name: "Taken" })).status).toBe(404);
      expect((await other.delete(`${MINE}/${id}`)).status).toBe(404);
    }
    // Nor can a shared-views manager reach it through the shared routes.
    expect((await a.admin.get(`${SHARED}/${id}`)).status).toBe(404);
    expect((await a.admin.delete(`${SHARED}/${id}`)).status).toBe(404);
    expect(namesOf(await agent.client.get(MINE))).toContain("Owned");
  });

  it("needs shared_views:manage for /shared-views", async () => {
    const { id } = (await a.admin.post(SHARED, { name: "Managed", filters: [] })).body.data;
    const denied = await agent.client.post(SHARED, { name: "Nope", filters: [] });
    expect(denied.status).toBe(403);
    expect(denied.body.data.type).toBe("PermissionError");
    expect((await agent.client.get(SHARED)).status).toBe(403);
    expect((await agent.client.get(`${SHARED}/${id}`)).status).toBe(403);
    expect((await agent.client.put(`${SHARED}/${id}`, { name: "x" })).status).toBe(403);
    expect((await agent.client.delete(`${SHARED}/${id}`)).status).toBe(403);
    const curator = await createAgent(t, a, { permissions: ["shared_views:manage"] });
    expect((await curator.client.put(`${SHARED}/${id}`, { name: "Curated" })).body.data.name).toBe("Curated");
  });

  it("never shows or changes another workspace's views", async () => {
    const shared = (await b.admin.post(SHARED, { name: "B shared secret", filters: [] })).body.data;
    const personal = (await b.admin.post(MINE, { name: "B personal secret", filters: [] })).body.data;
    expect(JSON.stringify((await a.admin.get("/api/v1/views/shared")).body)).not.toContain("secret");
    expect(JSON.stringify((await a.admin.get(MINE)).body)).not.toContain("secret");
    expect((await a.admin.get(`${SHARED}/${shared.id}`)).status).toBe(404);
    expect((await a.admin.put(`${SHARED}/${shared.id}`, { name: "hijacked" })).status).toBe(404);
    expect((await a.admin.delete(`${SHARED}/${shared.id}`)).status).toBe(404);
    expect((await a.admin.put(`${MINE}/${personal.id}`, { name: "hijacked" })).status).toBe(404);
    expect((await a.admin.delete(`${MINE}/${personal.id}`)).status).toBe(404);
    expect((await b.admin.get(`${SHARED}/${shared.id}`)).body.data.name).toBe("B shared secret");
    expect(namesOf(await b.admin.get(MINE))).toContain("B personal secret");
  });
});
