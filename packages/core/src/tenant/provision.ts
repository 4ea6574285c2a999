import type { Db } from "../port/database.ts";
import { hashPassword } from "../auth/password.ts";
import { generateToken } from "../auth/token.ts";
import { roles, userRoles } from "../role/role.sql.ts";
import { AGENT_PERMISSIONS, PERMISSIONS } from "../role/permissions.ts";
import { OFF_SEND_MENU, SYSTEM_STATUSES, type SystemStatus, statuses } from "../status/status.sql.ts";
import { users } from "../user/user.sql.ts";
import { isUniqueViolation } from "../db/unique.ts";
import { findTenantBySlug } from "./resolve.ts";
import { type TenantLimits, tenantDomains, tenants } from "./tenant.sql.ts";

const STATUS_COLORS: Record<SystemStatus, string> = {
  Open: "#3b82f6",
  Snoozed: "#f59e0b",
  Resolved: "#10b981",
  Closed: "#6b7280",
  Spam: "#ef4444",
  Trashed: "#9ca3af",
};

export type ProvisionInput = {
  slug: string;
  name: string;
  domains?: string[];
  plan?: string | undefined;
  limits?: TenantLimits | undefined;
  /** Without a password the admin cannot sign in until they set one (a set-password link: platform/create.ts). */
  admin: { email: string; firstName: string; lastName: string; password?: string | undefined };
};

export type ProvisionedTenant = {
  tenantId: number;
  adminId: number;
  systemUserId: number;
  adminRoleId: number;
  agentRoleId: number;
};

/**
 * Creates a workspace with everything it needs to be used at once: the system statuses, the Admin and
 * Agent roles, the System user (no password: it cannot sign in until an operator sets one) and an admin.
 */
export async function provisionTenant(db: Db, input: ProvisionInput): Promise<ProvisionedTenant> {
  // Hashed before the transaction, so the slow hash holds no locks.
  const passwordHash = input.admin.password === undefined ? null : await hashPassword(input.admin.password);
  return db.transaction(async (tx) => {
    const [tenant] = await tx
      .insert(tenants)
      .values({ slug: input.slug, name: input.name, plan: input.plan, limits: input.limits })
      .returning({ id: tenants.id });
    const tenantId = tenant!.id;
    if (input.domains?.length) {
      await tx
        .insert(tenantDomains)
        // Unverified until their owner proves control: until then they route nothing.
        .values(
          input.domains.map((hostname) => ({
            hostname: hostname.toLowerCase(),
            tenantId,
            verificationToken: generateToken(),
          })),
        );
    }
    await tx.insert(statuses).values(
      SYSTEM_STATUSES.map((name, i) => ({
        tenantId,
        name,
        systemKey: name,
        color: STATUS_COLORS[name],
        sortOrder: i + 1,
        showOnSend: !OFF_SEND_MENU.has(name),
      })),
    );
    const roleRows = await tx
      .insert(roles)
      .values([
        {
          tenantId,
          name: "Admin",
          description: "Full access to the workspace",
          permissions: [...PERMISSIONS],
          system: true,
        },
        {
          tenantId,
          name: "Agent",
          description: "Works the conversations they can see",
          permissions: AGENT_PERMISSIONS,
          system: true,
        },
      ])
      .returning({ id: roles.id, name: roles.name });
    const adminRoleId = roleRows.find((r) => r.name === "Admin")!.id;
    const agentRoleId = roleRows.find((r) => r.name === "Agent")!.id;
    const [system] = await tx
      .insert(users)
      .values({ tenantId, type: "system", firstName: "System", lastName: "", email: null, enabled: true })
      .returning({ id: users.id });
    const [admin] = await tx
      .insert(users)
      .values({
        tenantId,
        type: "agent",
        email: input.admin.email,
        firstName: input.admin.firstName,
        lastName: input.admin.lastName,
        passwordHash,
      })
      .returning({ id: users.id });
    await tx.insert(userRoles).values({ tenantId, userId: admin!.id, roleId: adminRoleId });
    return { tenantId, adminId: admin!.id, systemUserId: system!.id, adminRoleId, agentRoleId };
  });
}

/**
 * Creates the workspace `input.slug` unless it exists. Returns the provisioned ids only when this call
 * created it (so the caller knows whether the admin password it chose is the live one).
 */
export async function ensureTenant(db: Db, input: ProvisionInput): Promise<ProvisionedTenant | null> {
  if (await findTenantBySlug(db, input.slug)) return null;
  try {
    return await provisionTenant(db, input);
  } catch (err) {
    // Another process created it between our check and insert.
    if (isUniqueViolation(err)) return null;
    throw err;
  }
}
