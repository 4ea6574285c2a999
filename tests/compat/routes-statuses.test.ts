/**
 * LibreDesk's status order and "show on send" as its UI calls them: `PUT /statuses/reorder {ids}` and
 * `PUT /statuses/{id}/show-on-send {show_on_send}`, plus `show_on_send` / `sort_order` on every status.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { createAgent, createTenant, type TestAgent, type TestTenant } from "../support/factories.ts";
import { expectError } from "./routes-support.ts";

type Status = { id: number; name: string; sort_order: number; show_on_send: boolean; system: boolean };

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let agent: TestAgent;

const list = async (tenant: TestTenant): Promise<Status[]> => (await tenant.admin.get("/api/v1/statuses")).body.data;
const names = async (tenant: TestTenant) => (await list(tenant)).map((s) => s.name);

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
  agent = await createAgent(t, a, { permissions: ["conversations:read"] });
});
afterAll(() => t.close());

describe("status order", () => {
  it("starts with the system statuses in their order, Snoozed, Spam and Trashed off the send menu", async () => {
    const statuses = await list(a);
    expect(statuses.map((s) => [s.name, s.show_on_send])).toEqual([
      ["Open", true],
      ["Snoozed", false],
      ["Resolved", true],
      ["Closed", true],
      ["Spam", false],
      ["Trashed", false],
    ]);
    expect(statuses.map((s) => s.sort_order)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("puts a new status last, and takes show_on_send at creation", async () => {
    const created = await a.admin.post("/api/v1/statuses", { name: "Waiting", show_on_send: false });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ name: "Waiting", show_on_send: false, sort_order: 7 });
    expect((await names(a)).at(-1)).toBe("Waiting");
  });

  it("persists LibreDesk's reorder (the whole list of ids) and every list follows it", async () => {
    const ids = (await list(a)).map((s) => s.id).reverse();
    const res = await a.admin.put("/api/v1/statuses/reorder", { ids });
    expect(res.status).toBe(200);
    expect(res.body.data).toBe(true);
    expect((await list(a)).map((s) => s.id)).toEqual(ids);
    // Any agent's list, not only the admin's.
    expect((await agent.client.get("/api/v1/statuses")).body.data.map((s: Status) => s.id)).toEqual(ids);
    expect((await list(a)).map((s) => s.sort_order)).toEqual(ids.map((_, i) => i + 1));
  });

  it("puts the statuses a partial reorder leaves out after the listed ones, in their order", async () => {
    const before = (await list(a)).map((s) => s.id);
    const [first, second, ...rest] = before;
    await a.admin.put("/api/v1/statuses/reorder", { ids: [second, first] });
    expect((await list(a)).map((s) => s.id)).toEqual([second, first, ...rest]);
  });

  it("names the bad id and changes nothing", async () => {
    const before = await list(a);
    const foreign = (await list(b))[0]!.id;
    expectError(await a.admin.put("/api/v1/statuses/reorder", { ids: [before[0]!.id, foreign] }), 400, /^ids\[1\]: /);
    expectError(
      await a.admin.put("/api/v1/statuses/reorder", { ids: [before[0]!.id, before[0]!.id] }),
      400,
      /^ids\[1\]: .*twice/,
    );
    expectError(await a.admin.put("/api/v1/statuses/reorder", { ids: [] }), 400, /^ids: /);
    expectError(await a.admin.put("/api/v1/statuses/reorder", { ids: ["x"] }), 400, /^ids\.0: |^ids\[0\]: /);
    expectError(await a.admin.put("/api/v1/statuses/reorder", {}), 400, /^ids: /);
    expect(await list(a)).toEqual(before);
  });

  it("needs status:manage", async () => {
    const ids = (await list(a)).map((s) => s.id);
    expectError(await agent.client.put("/api/v1/statuses/reorder", { ids: [...ids].reverse() }), 403);
    expect((await list(a)).map((s) => s.id)).toEqual(ids);
  });

  it("never moves another workspace's statuses", async () => {
    const theirs = await list(b);
    await a.admin.put("/api/v1/statuses/reorder", { ids: (await list(a)).map((s) => s.id).reverse() });
    expect(await list(b)).toEqual(theirs);
  });
});

describe("show on send", () => {
  it("toggles a status on and off the send menu (LibreDesk's route) and through PUT /statuses/{id}", async () => {
    const closed = (await list(a)).find((s) => s.name === "Closed")!;
    const off = await a.admin.put(`/api/v1/statuses/${closed.id}/show-on-send`, { show_on_send: false });
    expect(off.status).toBe(200);
    expect(off.body.data).toMatchObject({ id: closed.id, show_on_send: false });
    expect((await list(a)).find((s) => s.id === closed.id)!.show_on_send).toBe(false);
    const on = await a.admin.put(`/api/v1/statuses/${closed.id}`, { show_on_send: true });
    expect(on.body.data).toMatchObject({ name: "Closed", show_on_send: true });
  });

  it("refuses Snoozed on the send menu: a reply cannot give it a duration", async () => {
    const snoozed = (await list(a)).find((s) => s.name === "Snoozed")!;
    expectError(
      await a.admin.put(`/api/v1/statuses/${snoozed.id}/show-on-send`, { show_on_send: true }),
      400,
      /^show_on_send: /,
    );
    expect((await list(a)).find((s) => s.id === snoozed.id)!.show_on_send).toBe(false);
  });

  it("names a missing or mistyped flag", async () => {
    const open = (await list(a)).find((s) => s.name === "Open")!;
    expectError(await a.admin.put(`/api/v1/statuses/${open.id}/show-on-send`, {}), 400, /^show_on_send: /);
    expectError(
      await a.admin.put(`/api/v1/statuses/${open.id}/show-on-send`, { show_on_send: "yes" }),
      400,
      /^show_on_send: /,
    );
    expectError(await a.admin.put("/api/v1/statuses/abc/show-on-send", { show_on_send: true }), 400, /^id: /);
  });

  it("is 404 for another workspace's status and 403 without status:manage", async () => {
    const theirs = (await list(b)).find((s) => s.name === "Open")!;
    expectError(await a.admin.put(`/api/v1/statuses/${theirs.id}/show-on-send`, { show_on_send: false }), 404);
    expect((await list(b)).find((s) => s.id === theirs.id)!.show_on_send).toBe(true);
    const open = (await list(a)).find((s) => s.name === "Open")!;
    expectError(await agent.client.put(`/api/v1/statuses/${open.id}/show-on-send`, { show_on_send: false }), 403);
  });
});
