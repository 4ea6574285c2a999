import { z } from "zod";
import { InputError } from "../errors/index.ts";
import type { ImportSpec } from "../import/index.ts";
import { insertAgent } from "./admin.ts";

const email = z.email();
/** Several roles or teams in one cell: "Admin;Agent", "Admin|Agent" or a quoted "Admin, Agent". */
const list = (cell: string | undefined) =>
  (cell ?? "")
    .split(/[;|,]/)
    .map((s) => s.trim())
    .filter(Boolean);

/** Agent CSV import (`email,first_name,last_name,roles,teams`); rows without roles get the Agent role. */
export const agentImport: ImportSpec = {
  required: ["email", "first_name"],
  async importRow(ctx, row) {
    const address = (row.email ?? "").trim();
    if (!email.safeParse(address).success) throw new InputError(`email: "${address}" is not an email address`);
    const firstName = (row.first_name ?? "").trim();
    if (!firstName || firstName.length > 100) throw new InputError("first_name: required, at most 100 characters");
    const lastName = (row.last_name ?? "").trim();
    if (lastName.length > 100) throw new InputError("last_name: at most 100 characters");
    const roles = list(row.roles);
    await insertAgent(ctx.db, ctx, {
      email: address,
      first_name: firstName,
      last_name: lastName,
      roles: roles.length ? roles : ["Agent"],
      teams: list(row.teams),
    });
  },
};
