/**
 * Uploads as LibreDesk's agent UI makes and uses them: `POST /api/v1/media` with the file in `files`, the
 * answer's numeric `id` then listed in a reply's `attachments`. HelperIQ's `file` field and `{media_uuid}`
 * attachments work beside them; ids resolve within the workspace, and only to the caller's own unattached
 * uploads.
 */
import { media } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type Client, type TestApp } from "../support/app.ts";
import {
  createAgent,
  createConversation,
  createTenant,
  type TestAgent,
  type TestTenant,
} from "../support/factories.ts";
import { expectError } from "./routes-support.ts";

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let writer: TestAgent;
let colleague: TestAgent;
let outsider: TestAgent;
let conv: { id: number; uuid: string };

const ALL = [
  "conversations:read",
  "conversations:read_all",
  "conversations:write",
  "messages:read",
  "messages:write",
] as const;
const reply = (client: Client, body: unknown, uuid = conv.uuid) =>
  client.post(`/api/v1/conversations/${uuid}/messages`, body);

async function upload(client: Client, field: "file" | "files", name = "receipt.txt") {
  const form = new FormData();
  form.append(field, new File([`Receipt ${name}`], name, { type: "text/plain" }));
  form.append("inline", "false");
  form.append("linked_model", "messages");
  return client.request("POST", "/api/v1/media", form);
}

async function uploaded(client: Client, field: "file" | "files" = "files") {
  const res = await upload(client, field);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as {
    id: number;
    uuid: string;
    filename: string;
    content_type: string;
    size: number;
    url: string;
    inline: boolean;
  };
}

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
  writer = await createAgent(t, a, { permissions: [...ALL] });
  colleague = await createAgent(t, a, { permissions: [...ALL] });
  outsider = await createAgent(t, b, { permissions: [...ALL] });
  conv = await createConversation(t, a, { subject: "Invoice" });
});
afterAll(() => t.close());

describe("POST /api/v1/media", () => {
  it("takes the file in LibreDesk's `files` field and answers its numeric id beside the uuid", async () => {
    const file = await uploaded(writer.client, "files");
    expect(file).toMatchObject({
      filename: "receipt.txt",
      content_type: "text/plain",
      size: "Receipt receipt.txt".length,
      inline: false,
    });
    expect(Number.isInteger(file.id)).toBe(true);
    const [row] = await t.database.db.select().from(media).where(eq(media.uuid, file.uuid));
    expect(row).toMatchObject({ id: file.id, tenantId: a.id, uploadedBy: writer.id, messageId: null });
    expect((await writer.client.get(new URL(file.url).pathname + new URL(file.url).search)).status).toBe(200);
  });

  it("keeps HelperIQ's `file` field", async () => {
    const file = await uploaded(writer.client, "file");
    expect(file.uuid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("without a file part in either field: 400 naming `file`", async () => {
    const form = new FormData();
    form.append("files", "not a file");
    expectError(
      await writer.client.request("POST", "/api/v1/media", form),
      400,
      /^file: required \(a file in file or files\)/,
    );
  });
});

describe("reply attachments by upload id", () => {
  it("attaches the caller's uploads named by id, by uuid, or both kinds in one reply", async () => {
    const byId = await uploaded(writer.client);
    const byUuid = await uploaded(writer.client);
    const res = await reply(writer.client, {
      message: "<p>Both files</p>",
      attachments: [byId.id, { media_uuid: byUuid.uuid }],
      private: true,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data.attachments.map((m: { uuid: string }) => m.uuid)).toEqual([byId.uuid, byUuid.uuid]);
    const rows = await t.database.db.select().from(media).where(eq(media.messageId, res.body.data.id));
    expect(rows.map((r) => r.id).sort()).toEqual([byId.id, byUuid.id].sort());
  });

  it("an unknown id, another agent's, another workspace's, or one already sent: 400 naming the entry, nothing attached", async () => {
    const mine = await uploaded(writer.client);
    const theirs = await uploaded(colleague.client);
    const foreign = await uploaded(outsider.client);
    const fail = async (attachments: unknown[]) => reply(writer.client, { message: "<p>x</p>", attachments });
    expectError(await fail([mine.id, 987654321]), 400, /^attachments\[1\]: no unattached upload with this id/);
    expectError(await fail([theirs.id]), 400, /^attachments\[0\]: no unattached upload with this id/);
    expectError(await fail([mine.id, foreign.id]), 400, /^attachments\[1\]: no unattached upload with this id/);
    expectError(await fail(["12"]), 400, /^attachments\[0\]: Invalid input: expected object or number/);
    expectError(await fail([0]), 400, /^attachments\[0\]: /);
    // The same upload twice, even by both of its names.
    expectError(await fail([mine.id, { media_uuid: mine.uuid }]), 400, /^attachments\[1\]\.media_uuid: listed twice/);
    const [untouched] = await t.database.db.select().from(media).where(eq(media.id, mine.id));
    expect(untouched!.messageId).toBeNull();
    const [foreignRow] = await t.database.db.select().from(media).where(eq(media.id, foreign.id));
    expect(foreignRow!.messageId).toBeNull();
    // Once sent, an upload is no longer attachable.
    expect((await reply(writer.client, { message: "<p>sent</p>", attachments: [mine.id], private: true })).status).toBe(
      201,
    );
    expectError(await fail([mine.id]), 400, /^attachments\[0\]: no unattached upload with this id/);
  });

  it("another workspace's agent cannot attach this workspace's upload to their own conversation", async () => {
    const mine = await uploaded(writer.client);
    const theirConversation = await createConversation(t, b, { subject: "B" });
    expectError(
      await reply(outsider.client, { message: "<p>x</p>", attachments: [mine.id] }, theirConversation.uuid),
      400,
      /^attachments\[0\]: /,
    );
  });
});
