import { storeAvatar } from "@helperiq/core/media/avatar";
import type { Context } from "hono";
import type { AppEnv } from "./env.ts";

/** Stores the `files` part of a profile form as an avatar not yet in use (media/avatar.ts); its uuid. */
export async function storeAvatarFile(c: Context<AppEnv>, file: File): Promise<string> {
  const { database, blobs, clock } = c.get("deps");
  return storeAvatar(database.db, blobs, {
    tenantId: c.get("tenant").id,
    filename: file.name,
    contentType: file.type,
    bytes: new Uint8Array(await file.arrayBuffer()),
    now: clock.now(),
    field: "files",
  });
}
