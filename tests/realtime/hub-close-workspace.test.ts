import { createHub, type HubSocket } from "@helperiq/adapters/realtime/hub";
import { loadAgentActor } from "@helperiq/core/agent/actor";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { createContact, createTenant, type TestTenant } from "../support/factories.ts";

/** The embedded hub's part of a purge: a workspace's connections closed and forgotten, no other's. */

let t: TestApp;
let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
});
afterAll(() => t?.close());

function socket() {
  const closed: { code?: number; reason?: string }[] = [];
  const s: HubSocket & { closed: typeof closed } = {
    closed,
    bufferedAmount: 0,
    send: () => undefined,
    close: (code, reason) => void closed.push({ code, reason }),
    terminate: () => void closed.push({}),
  };
  return s;
}

describe("hub.closeWorkspace", () => {
  it("closes (1008, with the reason) and forgets every connection of the workspace, agents and visitors, and no other", async () => {
    const hub = createHub({ db: t.database.db, clock: t.clock, publish: async () => undefined, log: () => undefined });
    const [agentA, visitorA, agentB] = [socket(), socket(), socket()];
    hub.attachAgent(agentA, (await loadAgentActor(t.database.db, a.id, a.adminId, "session"))!, "helperiq");
    const contact = await createContact(t, a);
    hub.attachVisitor(visitorA, { tenantId: a.id, contactId: contact.id });
    hub.attachAgent(agentB, (await loadAgentActor(t.database.db, b.id, b.adminId, "session"))!, "helperiq");
    expect(hub.stats().connections).toBe(3);

    expect(await hub.closeWorkspace(a.id, "workspace deleted")).toBe(2);
    expect(agentA.closed).toEqual([{ code: 1008, reason: "workspace deleted" }]);
    expect(visitorA.closed).toEqual([{ code: 1008, reason: "workspace deleted" }]);
    expect(agentB.closed).toEqual([]);
    expect(hub.stats().connections).toBe(1);
    expect(await hub.directory.agents(a.id)).toEqual([]);
    expect((await hub.directory.agents(b.id)).length).toBe(1);
    expect(await hub.closeWorkspace(a.id, "workspace deleted")).toBe(0);
  });
});
