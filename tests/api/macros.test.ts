import { loadAgentActor } from "@helperiq/core/agent/actor";
import type { Ctx } from "@helperiq/core/context/index";
import { macros, recordMacroUse, resolveMacroActions } from "@helperiq/core/macro/index";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { createAgent, createTeam, createTenant, type TestAgent, type TestTenant } from "../support/factories.ts";

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
/** An agent without macros:manage, member of `team`. */
let agent: TestAgent;
let outsider: TestAgent;
let managerOne: TestAgent;
let managerTwo: TestAgent;
let team: { id: number };
let statusIds: Record<string, number>;

const PATH = "/api/v1/macros";

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
  agent = await createAgent(t, a, { permissions: ["conversations:read"] });
  outsider = await createAgent(t, a, { permissions: ["conversations:read"] });
  managerOne = await createAgent(t, a, { permissions: ["macros:manage"] });
  managerTwo = await createAgent(t, a, { permissions: ["macros:manage"] });
  team = await createTeam(t, a, [agent.id]);
  await a.admin.post("/api/v1/tags", { name: "billing" });
  await a.admin.post("/api/v1/tags", { name: "VIP" });
  const statuses = (await a.admin.get("/api/v1/statuses")).body.data as { id: number; name: string }[];
  statusIds = Object.fromEntries(statuses.map((s) => [s.name, s.id]));
});
afterAll(() => t.close());

const ctxAs = async (tenant: TestTenant, userId: number): Promise<Ctx> => ({
  db: t.database.db,
  tenantId: tenant.id,
  actor: (await loadAgentActor(t.database.db, tenant.id, userId, "api_key"))!,
  clock: t.clock,
  events: t.deps.events,
  queue: t.queue,
});
const namesOf = (res: { body: { data: { name: string }[] } }) => res.body.data.map((m) => m.name);

describe("macros: happy path", () => {
  it("creates a macro whose action values resolve to this workspace's ids and tag names", async () => {
    const res = await a.admin.post(PATH, {
      name: "Refund done",
      message_content:
        "<p>Hi {{ contact.first_name }}, {{agent.full_name}} refunded order #{{ conversation.reference_number }}.</p>",
      visible_when: ["replying", "replying"],
      actions: [
        { type: "set_status", value: "resolved" },
        { type: "set_priority", value: "High" },
        { type: "add_tag", value: "Billing" },
        { type: "add_tag", value: "vip" },
        { type: "assign_user", value: String(agent.id) },
        { type: "assign_team", value: team.id },
        { type: "unassign_user" },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      name: "Refund done",
      visibility: "all",
      team_id: null,
      user_id: null,
      visible_when: ["replying"],
      usage_count: 0,
      actions: [
        { type: "set_status", value: statusIds.Resolved },
        { type: "set_priority", value: 3 },
        { type: "add_tag", value: "billing" },
        { type: "add_tag", value: "VIP" },
        { type: "assign_user", value: agent.id },
        { type: "assign_team", value: team.id },
        { type: "unassign_user", value: null },
      ],
    });
    expect((await a.admin.get(`${PATH}/${res.body.data.id}`)).body.data).toEqual(res.body.data);
  });

  it("accepts LibreDesk's one-element string arrays, and offers a new macro everywhere by default", async () => {
    const res = await a.admin.post(PATH, {
      name: "Close it",
      actions: [
        { type: "set_status", value: [String(statusIds.Closed)] },
        { type: "set_tags", value: ["billing", "BILLING", "vip"] },
        { type: "unassign_team", value: [] },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.data.visible_when).toEqual(["replying", "starting_conversation", "adding_private_note"]);
    expect(res.body.data.actions).toEqual([
      { type: "set_status", value: statusIds.Closed },
      { type: "set_tags", value: ["billing", "VIP"] },
      { type: "unassign_team", value: null },
    ]);
  });

  it("lists shared macros, the caller's team macros and the caller's own personal ones (GET /api/v1/macros)", async () => {
    await a.admin.post(PATH, { name: "Everyone's", message_content: "Hello" });
    await a.admin.post(PATH, { name: "Team only", message_content: "Hi team", visibility: "team", team_id: team.id });
    const mine = await managerOne.client.post(PATH, {
      name: "One's own",
      message_content: "Mine",
      visibility: "personal",
    });
    expect(mine.body.data).toMatchObject({ visibility: "personal", user_id: managerOne.id, team_id: null });

    expect(namesOf(await agent.client.get(PATH))).toEqual(expect.arrayContaining(["Everyone's", "Team only"]));
    const outsiders = namesOf(await outsider.client.get(PATH));
    expect(outsiders).toContain("Everyone's");
    expect(outsiders).not.toContain("Team only");
    expect(namesOf(await managerOne.client.get(PATH))).toContain("One's own");
    // Managers see every shared macro, team ones included, to manage them; nobody sees another's personal macro.
    const two = namesOf(await managerTwo.client.get(PATH));
    expect(two).toContain("Team only");
    expect(two).not.toContain("One's own");
    expect(namesOf(await a.admin.get(PATH))).not.toContain("One's own");
  });

  it("keeps another agent's personal macro hidden from every manager (GET, PUT, DELETE /api/v1/macros/:id)", async () => {
    const { id } = (
      await managerOne.client.post(PATH, { name: "Private", message_content: "x", visibility: "personal" })
    ).body.data;
    for (const other of [managerTwo.client, a.admin]) {
      expect((await other.get(`${PATH}/${id}`)).status).toBe(404);
      expect((await other.put(`${PATH}/${id}`, { name: "Taken" })).status).toBe(404);
      expect((await other.delete(`${PATH}/${id}`)).status).toBe(404);
    }
    expect((await managerOne.client.put(`${PATH}/${id}`, { name: "Still mine" })).body.data).toMatchObject({
      name: "Still mine",
      user_id: managerOne.id,
    });
    expect((await managerOne.client.delete(`${PATH}/${id}`)).status).toBe(200);
  });

  it("moves a macro between visibilities, keeping team and owner consistent", async () => {
    const { id } = (await managerOne.client.post(PATH, { name: "Mover", message_content: "x" })).body.data;
    const toTeam = await managerOne.client.put(`${PATH}/${id}`, { visibility: "team", team_id: team.id });
    expect(toTeam.body.data).toMatchObject({ visibility: "team", team_id: team.id, user_id: null });
    const toPersonal = await managerOne.client.put(`${PATH}/${id}`, { visibility: "personal" });
    expect(toPersonal.body.data).toMatchObject({ visibility: "personal", team_id: null, user_id: managerOne.id });
    const toAll = await managerOne.client.put(`${PATH}/${id}`, {
      visibility: "all",
      message_content: "{{ inbox.name }}",
    });
    expect(toAll.body.data).toMatchObject({
      visibility: "all",
      team_id: null,
      user_id: null,
      message_content: "{{ inbox.name }}",
    });
  });

  it("resolves the actions of a visible macro for the apply step, and counts uses", async () => {
    const { id } = (
      await a.admin.post(PATH, {
        name: "Escalate",
        visibility: "team",
        team_id: team.id,
        actions: [{ type: "set_priority", value: 4 }],
      })
    ).body.data;
    const asAgent = await ctxAs(a, agent.id);
    expect(await resolveMacroActions(asAgent, id)).toEqual([{ type: "set_priority", value: 4 }]);
    await expect(resolveMacroActions(await ctxAs(a, outsider.id), id)).rejects.toMatchObject({ status: 404 });
    await recordMacroUse(asAgent, id);
    await recordMacroUse(asAgent, id);
    expect((await a.admin.get(`${PATH}/${id}`)).body.data.usage_count).toBe(2);
  });

  it("refuses to resolve a macro whose tag was deleted since it was saved, and another's personal macro", async () => {
    const tag = (await a.admin.post("/api/v1/tags", { name: "short-lived" })).body.data;
    const { id } = (await a.admin.post(PATH, { name: "Stale", actions: [{ type: "add_tag", value: "short-lived" }] }))
      .body.data;
    await a.admin.delete(`/api/v1/tags/${tag.id}`);
    const failure = resolveMacroActions(await ctxAs(a, agent.id), id);
    await expect(failure).rejects.toMatchObject({ status: 400 });
    await expect(failure).rejects.toThrow(/^actions\[0\]\.value: no tag "short-lived"/);
    const personal = (
      await managerOne.client.post(PATH, { name: "Solo", message_content: "x", visibility: "personal" })
    ).body.data;
    await expect(resolveMacroActions(await ctxAs(a, managerTwo.id), personal.id)).rejects.toMatchObject({
      status: 404,
    });
    await expect(resolveMacroActions(await ctxAs(a, managerOne.id), personal.id)).resolves.toEqual([]);
  });
});

describe("macros: errors", () => {
  const expectInputError = async (body: Record<string, unknown>, message: RegExp) => {
    const res = await a.admin.post(PATH, { name: "Bad", message_content: "x", ...body });
    expect(res.status, JSON.stringify(body)).toBe(400);
    expect(res.body.data).toEqual({ type: "InputError", message: expect.stringMatching(message) });
  };

  it("names the offending action type or value", async () => {
    const foreignAgent = await createAgent(t, b);
    const foreignTeam = await createTeam(t, b);
    await expectInputError(
      { actions: [{ type: "send_email", value: "x" }] },
      /^actions\[0\]\.type: unknown action type/,
    );
    await expectInputError({ actions: [{ type: "set_status", value: "Nope" }] }, /^actions\[0\]\.value: no status/);
    await expectInputError({ actions: [{ type: "set_priority", value: 5 }] }, /^actions\[0\]\.value: /);
    await expectInputError({ actions: [{ type: "set_priority", value: "Critical" }] }, /^actions\[0\]\.value: /);
    await expectInputError({ actions: [{ type: "add_tag", value: "no-such-tag" }] }, /^actions\[0\]\.value: no tag/);
    await expectInputError(
      { actions: [{ type: "set_tags", value: "billing" }] },
      /^actions\[0\]\.value: must be an array/,
    );
    await expectInputError(
      { actions: [{ type: "set_tags", value: ["billing", "ghost"] }] },
      /^actions\[0\]\.value\[1\]: no tag/,
    );
    await expectInputError(
      { actions: [{ type: "assign_user", value: foreignAgent.id }] },
      /^actions\[0\]\.value: no agent/,
    );
    await expectInputError(
      { actions: [{ type: "assign_user", value: a.systemUserId }] },
      /^actions\[0\]\.value: no agent/,
    );
    await expectInputError(
      { actions: [{ type: "assign_team", value: foreignTeam.id }] },
      /^actions\[0\]\.value: unknown team/,
    );
    await expectInputError(
      { actions: [{ type: "unassign_user", value: agent.id }] },
      /^actions\[0\]\.value: unassign_user takes no value/,
    );
    await expectInputError(
      {
        actions: [
          { type: "set_status", value: "Open" },
          { type: "set_status", value: "Closed" },
        ],
      },
      /^actions\[1\]\.type: only one set_status/,
    );
    await expectInputError({ actions: [{ value: "x" }] }, /^actions\[0\]\.type: /);
  });

  it("checks the template syntax of message_content", async () => {
    await expectInputError({ message_content: "Hi {{ contact.first_name" }, /^message_content: "\{\{" is never closed/);
    await expectInputError(
      { message_content: "Hi {{ contact.first_name {{ agent.email }}" },
      /^message_content: "\{\{" is never closed/,
    );
    await expectInputError(
      { message_content: "Hi contact.first_name }}" },
      /^message_content: "\}\}" without an opening/,
    );
    await expectInputError(
      { message_content: "Hi {{ contact.phone }}" },
      /^message_content: unknown variable "\{\{ contact\.phone \}\}"/,
    );
    await expectInputError({ message_content: "Hi {{}}" }, /^message_content: unknown variable/);
    const fine = await a.admin.post(PATH, { name: "Braces", message_content: "{ json: 1 } and {{contact.email}} }" });
    expect(fine.status).toBe(201);
  });

  it("validates names, lengths, visibility, team and placement", async () => {
    const foreignTeam = await createTeam(t, b);
    await expectInputError({ name: "n".repeat(141) }, /^name: /);
    await expectInputError({ message_content: "x".repeat(5001) }, /^message_content: /);
    await expectInputError({ message_content: "", actions: [] }, /^message_content: a macro needs/);
    await expectInputError({ visibility: "everyone" }, /^visibility: /);
    await expectInputError({ visibility: "team" }, /^team_id: required/);
    await expectInputError({ visibility: "team", team_id: foreignTeam.id }, /^team_id: unknown team/);
    await expectInputError({ visibility: "all", team_id: team.id }, /^team_id: only team macros/);
    await expectInputError({ visibility: "personal", team_id: team.id }, /^team_id: only team macros/);
    await expectInputError({ visible_when: [] }, /^visible_when: /);
    await expectInputError({ visible_when: ["always"] }, /^visible_when\[0\]: /);
  });

  it("checks an update against the whole merged macro; 404 for unknown ids, 400 for malformed ones", async () => {
    const { id } = (await a.admin.post(PATH, { name: "Partial", message_content: "x" })).body.data;
    expect((await a.admin.put(`${PATH}/${id}`, { visibility: "team" })).body.data.message).toMatch(
      /^team_id: required/,
    );
    expect((await a.admin.put(`${PATH}/${id}`, { message_content: "" })).body.data.message).toMatch(
      /^message_content: /,
    );
    expect((await a.admin.put(`${PATH}/${id}`, {})).status).toBe(400);
    expect((await a.admin.get(`${PATH}/${id}`)).body.data).toMatchObject({ visibility: "all", message_content: "x" });
    expect((await a.admin.get(`${PATH}/999999`)).status).toBe(404);
    expect((await a.admin.put(`${PATH}/999999`, { name: "x" })).status).toBe(404);
    expect((await a.admin.delete(`${PATH}/999999`)).status).toBe(404);
    expect((await a.admin.get(`${PATH}/abc`)).body.data.message).toMatch(/^id: /);
  });
});

describe("macros: security", () => {
  it("needs credentials", async () => {
    const res = await a.anonymous.get(PATH);
    expect(res.status).toBe(401);
    expect(res.body.data.type).toBe("AuthError");
  });

  it("lets any agent list but needs macros:manage for the rest", async () => {
    const { id } = (await a.admin.post(PATH, { name: "Guarded", message_content: "x" })).body.data;
    expect((await agent.client.get(PATH)).status).toBe(200);
    const denied = await agent.client.post(PATH, { name: "Nope", message_content: "x" });
    expect(denied.status).toBe(403);
    expect(denied.body.data.type).toBe("PermissionError");
    expect((await agent.client.get(`${PATH}/${id}`)).status).toBe(403);
    expect((await agent.client.put(`${PATH}/${id}`, { name: "x" })).status).toBe(403);
    expect((await agent.client.delete(`${PATH}/${id}`)).status).toBe(403);
  });

  it("never shows or changes another workspace's macros", async () => {
    const theirs = (await b.admin.post(PATH, { name: "B secret macro", message_content: "x" })).body.data;
    expect(namesOf(await a.admin.get(PATH))).not.toContain("B secret macro");
    expect((await a.admin.get(`${PATH}/${theirs.id}`)).status).toBe(404);
    expect((await a.admin.put(`${PATH}/${theirs.id}`, { name: "hijacked" })).status).toBe(404);
    expect((await a.admin.delete(`${PATH}/${theirs.id}`)).status).toBe(404);
    await expect(resolveMacroActions(await ctxAs(a, a.adminId), theirs.id)).rejects.toMatchObject({ status: 404 });
    expect((await b.admin.get(`${PATH}/${theirs.id}`)).body.data.name).toBe("B secret macro");
  });

  it("stores message_content sanitised like a message, on create and on update, placeholders kept", async () => {
    const hostile =
      `<p onclick="steal()">Hi {{ contact.first_name }}<script>alert(1)</script><img src=x onerror=alert(1)>` +
      `<img src="/uploads/../logout"><a href="javascript:alert(1)">pay</a><iframe src="https://evil.example"></iframe></p>`;
    const created = await a.admin.post(PATH, { name: "Hostile", message_content: hostile });
    expect(created.status).toBe(201);
    const clean = `<p>Hi {{ contact.first_name }}<a rel="noopener noreferrer">pay</a></p>`;
    expect(created.body.data.message_content).toBe(clean);
    const [stored] = await t.database.db
      .select({ content: macros.messageContent })
      .from(macros)
      .where(eq(macros.id, created.body.data.id));
    expect(stored!.content).toBe(clean);

    const updated = await a.admin.put(`${PATH}/${created.body.data.id}`, {
      message_content: `<b onmouseover="x()">{{agent.full_name}}</b><svg onload=alert(1)>`,
    });
    expect(updated.status).toBe(200);
    expect(updated.body.data.message_content).toBe("<b>{{agent.full_name}}</b>");
    // What sanitising leaves empty is no content: a macro without actions still needs some.
    const empty = await a.admin.post(PATH, { name: "Only a script", message_content: "<script>alert(1)</script>" });
    expect(empty.status).toBe(400);
    expect(empty.body.data.message).toMatch(/^message_content: a macro needs/);
  });

  it("sanitises message_content on read too (rows stored before content was sanitised on save)", async () => {
    const { id } = (await a.admin.post(PATH, { name: "Legacy", message_content: "<p>old</p>" })).body.data;
    await t.database.db
      .update(macros)
      .set({ messageContent: `<p>old<script>alert(1)</script><img src=x onerror=alert(1)></p>` })
      .where(eq(macros.id, id));
    expect((await a.admin.get(`${PATH}/${id}`)).body.data.message_content).toBe("<p>old</p>");
    const listed = (await agent.client.get(PATH)).body.data as { id: number; message_content: string }[];
    expect(listed.find((m) => m.id === id)!.message_content).toBe("<p>old</p>");
  });
});
