import { getTableConfig, PgTable, type PgColumn } from "drizzle-orm/pg-core";
import * as schema from "./schema.ts";
import { tenants } from "./tenant/tenant.sql.ts";

/** One table whose rows belong to a workspace, as the purge and the export see it. */
export type TenantTable = {
  /** The SQL name (`conversations`). */
  name: string;
  table: PgTable;
  /** Its `tenant_id` column. */
  tenantId: PgColumn;
  /** The other tenant-owned tables it references (their rows must outlive its own while it exists). */
  references: readonly string[];
};

/**
 * Every table of the core schema (schema.ts) with a `tenant_id` column referencing `tenants`, derived rather
 * than listed, so a new table is purged and exported the day it is added. The operator's tables
 * (platform.sql.ts, operator-audit.sql.ts) have no such foreign key and are not among them, nor is `tenants` itself (its row goes
 * last, by the purge).
 *
 * The order is one the foreign keys allow for deleting: every table comes before the tables it references
 * (children first), so no delete waits on a `no action` reference or cascades a large delete elsewhere.
 * A reference cycle among them would make such an order impossible and throws at load.
 */
export const TENANT_TABLES: readonly TenantTable[] = deriveTenantTables(Object.values(schema));

export function deriveTenantTables(candidates: readonly unknown[]): TenantTable[] {
  const tenantsName = getTableConfig(tenants).name;
  const owned = new Map<string, TenantTable>();
  for (const candidate of candidates) {
    if (!(candidate instanceof PgTable)) continue;
    const config = getTableConfig(candidate);
    const tenantFk = config.foreignKeys.find((fk) => {
      const ref = fk.reference();
      return (
        getTableConfig(ref.foreignTable).name === tenantsName &&
        ref.columns.length === 1 &&
        ref.columns[0]!.name === "tenant_id"
      );
    });
    if (!tenantFk) continue;
    const tenantId = config.columns.find((c) => c.name === "tenant_id")!;
    owned.set(config.name, { name: config.name, table: candidate, tenantId, references: [] });
  }
  for (const entry of owned.values()) {
    const refs = getTableConfig(entry.table)
      .foreignKeys.map((fk) => getTableConfig(fk.reference().foreignTable).name)
      .filter((name) => name !== entry.name && owned.has(name));
    entry.references = [...new Set(refs)].sort();
  }
  // Depth-first: a table is placed once every table referencing it is placed (children first).
  const referencedBy = new Map<string, string[]>();
  for (const entry of owned.values())
    for (const ref of entry.references) referencedBy.set(ref, [...(referencedBy.get(ref) ?? []), entry.name]);
  const ordered: TenantTable[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, path: string[]) => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting")
      throw new Error(`tenant tables reference each other in a cycle: ${path.join(" → ")}`);
    state.set(name, "visiting");
    for (const child of (referencedBy.get(name) ?? []).sort()) visit(child, [...path, child]);
    state.set(name, "done");
    ordered.push(owned.get(name)!);
  };
  for (const name of [...owned.keys()].sort()) visit(name, [name]);
  return ordered;
}
