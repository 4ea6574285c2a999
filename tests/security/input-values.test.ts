import { onError } from "@helperiq/api/middleware/errors";
import { normalizeLivechatConfig } from "@helperiq/core/inbox/livechat-config";
import { inboxes } from "@helperiq/core/schema";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { bootTestApp, TEST_IP_HEADER, type Reply, type TestApp } from "../support/app.ts";
import { createConversation, createTenant, type TestTenant } from "../support/factories.ts";

/**
 * Input PostgreSQL cannot take is refused with 400 naming the field, before any query runs: NUL and lone
 * surrogates in any text (bodies, forms, query strings, paths), ids past int4, and filter values that are
 * fractional, huge, or dates outside years 1–9999. A database "data exception" that slips through anyway
 * is a 400, not a 500.
 */
let t: TestApp;
let a: TestTenant;
let chatUuid: string;
let conversationUuid: string;

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  const [chat] = await t.database.db
    .insert(inboxes)
    .values({
      tenantId: a.id,
      name: "Chat",
      channel: "livechat",
      enabled: true,
      config: normalizeLivechatConfig({ allowed_domains: ["shop.example.com"] }),
    })
    .returning({ uuid: inboxes.uuid });
  chatUuid = chat!.uuid;
  conversationUuid = (await createConversation(t, a)).uuid;
});
afterAll(() => t.close());

function expectRefused(res: Reply, field: RegExp) {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.data.type).toBe("InputError");
  expect(res.body.data.message).toMatch(field);
}

const widgetInit = (body: unknown) =>
  a.anonymous.request("POST", `/api/v1/widget/chat/conversations/init?inbox_id=${chatUuid}`, body, {
    origin: "https://shop.example.com",
    [TEST_IP_HEADER]: "198.51.100.30",
  });

describe("NUL and lone surrogates", () => {
  it("are refused in the anonymous widget init, naming the field, and start no chat", async () => {
    const before = (await a.admin.get("/api/v1/conversations/all")).body.data.total;
    expectRefused(await widgetInit({ message: "hello\u0000" }), /^message: must not contain a NUL character$/);
    expectRefused(await widgetInit({ message: "hello \ud800" }), /^message: must not contain a lone UTF-16 surrogate$/);
    expectRefused(
      await widgetInit({ message: "hi", form_data: { order: ["ok", "x\udc00"] } }),
      /^form_data\.order\[1\]: must not contain a lone/,
    );
    expectRefused(
      await widgetInit({ message: "hi", form_data: { "k\u0000": "v" } }),
      /^form_data: a key contains a NUL character$/,
    );
    expect((await a.admin.get("/api/v1/conversations/all")).body.data.total).toBe(before);
    // A surrogate pair is text like any other.
    expect((await widgetInit({ message: "hello 😀" })).status).toBe(201);
  });

  it("are refused in signed-in JSON bodies, sign-in, query strings, paths and upload forms", async () => {
    expectRefused(await a.admin.post("/api/v1/tags", { name: "a\u0000b" }), /^name: must not contain a NUL/);
    expectRefused(
      await a.admin.put(`/api/v1/conversations/${conversationUuid}/subject`, { subject: "\ud83d" }),
      /^subject: must not contain a lone/,
    );
    expectRefused(
      await a.anonymous.post("/api/v1/auth/login", { email: "a\u0000@example.com", password: "x" }),
      /^email: must not contain a NUL/,
    );
    expectRefused(
      await a.anonymous.post("/api/v1/agents/set-password", { token: "t\u0000", password: "long enough password" }),
      /^token: /,
    );
    expectRefused(await a.admin.get("/api/v1/search?q=%00abc"), /^q: must not contain a NUL/);
    expectRefused(await a.admin.get(`/api/v1/conversations/all?order_by=%00`), /^order_by: must not contain a NUL/);
    expectRefused(await a.admin.get("/api/v1/conversations/by-ref/1%00"), /^path: must not contain a NUL/);
    const form = new FormData();
    form.append("file", new File(["name\nvip\n"], "tags\u0000.csv", { type: "text/csv" }));
    expectRefused(
      await a.admin.request("POST", "/api/v1/tags/import", form),
      /^file: file name must not contain a NUL/,
    );
  });

  it("deep nesting is refused before it can overflow anything", async () => {
    const deep = `{"message":"hi","form_data":{"x":${"[".repeat(10_000)}${"]".repeat(10_000)}}}`;
    expectRefused(await widgetInit(deep), /^form_data\.x(\[0\])+: nested deeper than 32 levels$/);
  });
});

describe("ids and numbers", () => {
  it("an id past int4 in a JSON body is refused naming the field", async () => {
    expectRefused(
      await a.admin.put(`/api/v1/conversations/${conversationUuid}/assignee/user`, { assignee_id: 99_999_999_999 }),
      /^assignee_id: /,
    );
    expectRefused(await a.admin.post("/api/v1/teams", { name: "Team", members: [2 ** 31] }), /^members\[0\]: /);
    expectRefused(
      await a.admin.post(`/api/v1/conversations/${conversationUuid}/messages`, {
        message: "hi",
        private: true,
        mentions: [1.5],
      }),
      /^mentions\[0\]: /,
    );
  });
});

describe("filter values", () => {
  const filters = (list: unknown[]) => `filters=${encodeURIComponent(JSON.stringify(list))}`;
  const cases: [string, unknown, RegExp][] = [
    ["status_id", 1.5, /must be a whole number/],
    ["status_id", 1e300, /must be between/],
    ["reference_number", "99999999999", /must be between/],
    ["inbox_id", -1e300, /must be between/],
    ["created_at", "+275760-09-13", /must be an ISO-8601 date/],
    ["created_at", "0000-01-01", /must be a date in the years 1 to 9999/],
    ["last_message_at", "9999-12-31T23:00:00-05:00", /must be a date in the years 1 to 9999/],
    ["subject", "a\u0000", /must not contain a NUL/],
  ];
  for (const path of ["/api/v1/conversations/all", "/api/v1/conversations/search?q=hello&"]) {
    for (const [field, value, message] of cases) {
      it(`${path.split("?")[0]}: ${field} = ${JSON.stringify(value)} is 400 naming filters[0].value`, async () => {
        const sep = path.includes("?") ? "" : "?";
        const res = await a.admin.get(
          `${path}${sep}${filters([{ field, operator: field === "subject" ? "contains" : "=", value }])}`,
        );
        // (A date compared with `=` may be checked as the day's [start, end] range: value[0].)
        expectRefused(res, new RegExp(`^filters\\[0\\]\\.value(\\[0\\])?: ${message.source}`));
      });
    }
  }

  it("huge between ranges are refused; sane ones still work", async () => {
    const all = "/api/v1/conversations/all?";
    expectRefused(
      await a.admin.get(all + filters([{ field: "status_id", operator: "between", value: [1, 1e300] }])),
      /^filters\[0\]\.value\[1\]: /,
    );
    expectRefused(
      await a.admin.get(
        all + filters([{ field: "created_at", operator: "between", value: ["0001-01-01", "+275760-09-13"] }]),
      ),
      /^filters\[0\]\.value\[1\]: /,
    );
    expect(
      (
        await a.admin.get(
          all + filters([{ field: "created_at", operator: "between", value: ["0001-01-01", "9999-12-31"] }]),
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await a.admin.get(
          all + filters([{ field: "status_id", operator: "between", value: [-(2 ** 31), 2 ** 31 - 1] }]),
        )
      ).status,
    ).toBe(200);
  });

  it("contact filters too", async () => {
    expectRefused(
      await a.admin.get(
        `/api/v1/contacts?${filters([{ field: "created_at", operator: "greater than", value: "+275760-09-13" }])}`,
      ),
      /^filters\[0\]\.value: /,
    );
    expectRefused(
      await a.admin.get(`/api/v1/contacts?${filters([{ field: "email", operator: "contains", value: "\ud800" }])}`),
      /^filters\[0\]\.value: must not contain a lone/,
    );
  });
});

describe("the error mapper", () => {
  it("answers a database data exception (SQLSTATE 22xxx, wrapped as drizzle wraps it) with 400, not 500", async () => {
    const app = new Hono();
    app.onError(onError as never);
    app.get("/", () => {
      throw new Error("Failed query", {
        cause: Object.assign(new Error("value out of range for type integer"), { code: "22003" }),
      });
    });
    app.get("/other", () => {
      throw Object.assign(new Error("deadlock detected"), { code: "40P01" });
    });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const res = await app.request("/");
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        data: { type: "InputError", message: "body: a value is out of range or malformed" },
      });
      expect(warn.mock.calls.join(" ")).toContain("SQLSTATE 22003");
      expect((await app.request("/other")).status).toBe(500);
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  });
});
