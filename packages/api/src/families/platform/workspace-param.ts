import { NotFoundError } from "@helperiq/core/errors/index";
import { findWorkspaceRow } from "@helperiq/core/platform/view";
import type { Db } from "@helperiq/core/port/database";
import { z } from "zod";

/** The `:slug` of a `/platform/v1/workspaces/:slug/…` path. */
export const slugParam = z.object({ slug: z.string().min(1).max(63) });

/**
 * The workspace a path's `:slug` names, whatever its status but being deleted: from the moment a delete is
 * accepted it is gone for the operator's per-workspace routes (404), as for its own hosts.
 */
export async function liveWorkspace(db: Db, slug: string): Promise<{ id: number; slug: string }> {
  const row = await findWorkspaceRow(db, slug);
  if (!row || row.status === "deleting") throw new NotFoundError("Workspace");
  return { id: row.id, slug: row.slug };
}
