import { createWorkspace } from "@helperiq/core/platform/create";
import { workspaceCreateInput } from "@helperiq/core/platform/input";
import type { WorkspaceCommand } from "../command.ts";
import { limitsOf, parseInput } from "../input.ts";

export const createCommand: WorkspaceCommand = {
  name: "create",
  usage:
    "create <slug> --name <name> --admin-email <email> --admin-first-name <name> [--admin-last-name <name>] [--domain <host>]… [--plan <plan>] [--limit <name>=<n>]…",
  summary: "create a workspace; its admin gets a one-time set-password link (mailed when SMTP_URL is set)",
  options: {
    name: { type: "string" },
    "admin-email": { type: "string" },
    "admin-first-name": { type: "string" },
    "admin-last-name": { type: "string" },
    domain: { type: "string", multiple: true },
    plan: { type: "string" },
    limit: { type: "string", multiple: true },
  },
  async run(ctx, { positionals, values }) {
    const input = parseInput(workspaceCreateInput, {
      slug: positionals[0] ?? "",
      name: values.name ?? "",
      admin: {
        email: values["admin-email"] ?? "",
        first_name: values["admin-first-name"] ?? "",
        ...(values["admin-last-name"] === undefined ? {} : { last_name: values["admin-last-name"] }),
      },
      ...(values.domain === undefined ? {} : { domains: values.domain }),
      ...(values.plan === undefined ? {} : { plan: values.plan }),
      ...(values.limit === undefined ? {} : { limits: limitsOf(values.limit as string[]) }),
    });
    const created = await createWorkspace(
      { db: ctx.database.db, clock: ctx.clock, links: ctx.links, queue: ctx.mail },
      input,
    );
    ctx.say(`Created workspace ${created.workspace.slug} (${created.workspace.name}).`);
    ctx.say(`Admin ${created.admin.email} sets a password here (once, until ${created.set_password_expires_at}):`);
    ctx.say(`  ${created.set_password_link}`);
    ctx.say(
      created.mailed
        ? "The link was also mailed to them."
        : "Mail is not configured (SMTP_URL): pass the link on yourself.",
    );
    return { status: 201, json: created, workspaceSlug: created.workspace.slug };
  },
};
