import { deleteStatus } from "@helperiq/core/conversation/cascade";
import { createStatus, listPriorities, listStatuses, reorderStatuses, updateStatus } from "@helperiq/core/status/index";
import { createImportJob, latestImportJob, MAX_IMPORT_BYTES } from "@helperiq/core/import/index";
import { tagImport } from "@helperiq/core/tag/import";
import { createTag, deleteTag, listTags, renameTag } from "@helperiq/core/tag/index";
import { Hono } from "hono";
import { z } from "zod";
import { ctxOf } from "../context.ts";
import type { AppEnv } from "../env.ts";
import { auth } from "../middleware/auth.ts";
import { ok, responds } from "../middleware/envelope.ts";
import { importJob } from "../responses/import-job.ts";
import { done } from "../responses/scalars.ts";
import { priority, status } from "../responses/status.ts";
import { tag } from "../responses/tag.ts";
import { csvUploadForm, uploadedFile, uploadLimit } from "../upload.ts";
import { HEX_COLOR, idParam, validate } from "../validate.ts";

const name = z.string().trim().min(1, "required").max(64);
const showOnSend = z.boolean();
const statusBody = z.object({ name, color: HEX_COLOR.optional(), show_on_send: showOnSend.optional() });
const statusUpdate = z
  .object({ name: name.optional(), color: HEX_COLOR.optional(), show_on_send: showOnSend.optional() })
  .refine(
    (b) => b.name !== undefined || b.color !== undefined || b.show_on_send !== undefined,
    "name, color or show_on_send is required",
  );
/** LibreDesk's reorder body: status ids in their new order (the ones left out keep their order, after them). */
const reorderBody = z.object({ ids: z.array(z.number().int().positive()).min(1, "required").max(1000) });
const tagBody = z.object({ name });

/** Statuses, priorities and tags (with CSV tag imports). */
export const statusesFamily = new Hono<AppEnv>()
  .get("/api/v1/statuses", auth(), responds(z.array(status)), async (c) => ok(c, await listStatuses(ctxOf(c))))
  .post("/api/v1/statuses", auth("status:manage"), validate("json", statusBody), responds(status, 201), async (c) =>
    ok(c, await createStatus(ctxOf(c), c.req.valid("json")), 201),
  )
  // Registered before /statuses/:id so "reorder" is never taken for an id.
  .put("/api/v1/statuses/reorder", auth("status:manage"), validate("json", reorderBody), responds(done), async (c) => {
    await reorderStatuses(ctxOf(c), c.req.valid("json").ids);
    return ok(c, true);
  })
  .put(
    "/api/v1/statuses/:id",
    auth("status:manage"),
    validate("param", idParam),
    validate("json", statusUpdate),
    responds(status),
    async (c) => ok(c, await updateStatus(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))),
  )
  .put(
    "/api/v1/statuses/:id/color",
    auth("status:manage"),
    validate("param", idParam),
    validate("json", z.object({ color: HEX_COLOR })),
    responds(status),
    async (c) => ok(c, await updateStatus(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))),
  )
  // Whether the reply box's "send and set status" menu offers the status (LibreDesk fork's toggle).
  .put(
    "/api/v1/statuses/:id/show-on-send",
    auth("status:manage"),
    validate("param", idParam),
    validate("json", z.object({ show_on_send: showOnSend })),
    responds(status),
    async (c) => ok(c, await updateStatus(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))),
  )
  .delete("/api/v1/statuses/:id", auth("status:manage"), validate("param", idParam), responds(done), async (c) => {
    await deleteStatus(ctxOf(c), c.req.valid("param").id);
    return ok(c, true);
  })
  .get("/api/v1/priorities", auth(), responds(z.array(priority)), async (c) => ok(c, await listPriorities(ctxOf(c))))
  .get("/api/v1/tags", auth(), responds(z.array(tag)), async (c) => ok(c, await listTags(ctxOf(c))))
  .post("/api/v1/tags", auth("tags:manage"), validate("json", tagBody), responds(tag, 201), async (c) =>
    ok(c, await createTag(ctxOf(c), c.req.valid("json").name), 201),
  )
  // Registered before /tags/:id so "import" is never taken for an id.
  .post(
    "/api/v1/tags/import",
    auth("tags:manage"),
    uploadLimit(() => MAX_IMPORT_BYTES, csvUploadForm),
    responds(importJob, 202),
    async (c) => {
      const csv = await (await uploadedFile(c, MAX_IMPORT_BYTES)).text();
      return ok(c, await createImportJob(ctxOf(c), "tags", tagImport, csv), 202);
    },
  )
  .get("/api/v1/tags/import/status", auth("tags:manage"), responds(importJob.nullable()), async (c) =>
    ok(c, await latestImportJob(ctxOf(c), "tags")),
  )
  .put(
    "/api/v1/tags/:id",
    auth("tags:manage"),
    validate("param", idParam),
    validate("json", tagBody),
    responds(tag),
    async (c) => ok(c, await renameTag(ctxOf(c), c.req.valid("param").id, c.req.valid("json").name)),
  )
  .delete("/api/v1/tags/:id", auth("tags:manage"), validate("param", idParam), responds(done), async (c) => {
    await deleteTag(ctxOf(c), c.req.valid("param").id);
    return ok(c, true);
  });
