import { InputError } from "@helperiq/core/errors/index";
import { getWorkspace, listWorkspaces } from "@helperiq/core/platform/list";
import { TENANT_STATUSES, type TenantStatus } from "@helperiq/core/tenant/tenant.sql";
import type { WorkspaceCommand } from "../command.ts";
import { describeWorkspace, formatBytes, table } from "../format.ts";

const positiveInt = (name: string, raw: unknown, fallback: number, max: number) => {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new InputError(`${name}: a whole number from 1 to ${max}`);
  return n;
};

export const listCommand: WorkspaceCommand = {
  name: "list",
  usage: "list [--search <text>] [--status active|suspended|deleting] [--page <n>] [--page-size <n>]",
  summary: "workspaces by slug, with their usage; --search matches slug, name or domain",
  options: {
    search: { type: "string" },
    status: { type: "string" },
    page: { type: "string" },
    "page-size": { type: "string" },
  },
  async run(ctx, { values }) {
    const status = values.status as string | undefined;
    if (status !== undefined && !(TENANT_STATUSES as readonly string[]).includes(status)) {
      throw new InputError(`status: one of ${TENANT_STATUSES.join(", ")}`);
    }
    const result = await listWorkspaces(ctx.database.db, {
      page: positiveInt("page", values.page, 1, 1_000_000),
      pageSize: positiveInt("page_size", values["page-size"], 50, 100),
      search: values.search as string | undefined,
      status: status as TenantStatus | undefined,
    });
    const rows = result.results.map((w) => [
      w.slug,
      w.status,
      w.plan,
      String(w.usage.agents),
      String(w.usage.inboxes),
      String(w.usage.conversations),
      String(w.usage.messages),
      formatBytes(w.usage.storage_bytes),
      w.name,
    ]);
    for (const line of table(
      ["SLUG", "STATUS", "PLAN", "AGENTS", "INBOXES", "CONVERSATIONS", "MESSAGES", "STORAGE", "NAME"],
      rows,
    ))
      ctx.say(line);
    ctx.say(`page ${result.page} of ${Math.max(1, result.total_pages)}, ${result.total} workspace(s)`);
    return { status: 200, json: result };
  },
};

export const showCommand: WorkspaceCommand = {
  name: "show",
  usage: "show <slug>",
  summary: "one workspace: status, plan, limits, domains and usage",
  options: {},
  async run(ctx, { positionals }) {
    const workspace = await getWorkspace(ctx.database.db, positionals[0] ?? "");
    for (const line of describeWorkspace(workspace)) ctx.say(line);
    return { status: 200, json: workspace, workspaceSlug: workspace.slug };
  },
};
