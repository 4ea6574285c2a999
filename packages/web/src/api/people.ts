import { call } from "./client.ts";
import { ENDPOINTS } from "./endpoints.ts";
import type { Body, Data } from "./schema.ts";

/** The admin console's people screens: agents (with API keys and CSV import), teams and roles. */

export type AdminAgent = Data<"GET", "/api/v1/agents/:id">;
export type AgentPage = Data<"GET", "/api/v1/agents">;
export type AgentInput = Body<"POST", "/api/v1/agents">;
export type AgentChange = Body<"PUT", "/api/v1/agents/:id">;
export type IssuedApiKey = Data<"POST", "/api/v1/agents/:id/api-key">;
/** The latest agents import, or null when there never was one. */
export type ImportJob = Data<"GET", "/api/v1/agents/import/status">;
export type AdminTeam = Data<"GET", "/api/v1/teams">[number];
export type TeamInput = Body<"POST", "/api/v1/teams">;
export type AdminRole = Data<"GET", "/api/v1/roles">[number];
export type RoleInput = Body<"POST", "/api/v1/roles">;
/** Every permission a role may hold, as the API declares them (the signed-in agent's permissions enum). */
export type Permission = Data<"GET", "/api/v1/agents/me">["permissions"][number];

export const peopleApi = {
  /** A page of agents, by first name; `q` keeps those whose name or email contains it (the server searches). */
  agents: (page: number, pageSize: number, q: string) =>
    call(ENDPOINTS.adminAgents, {
      query: { page, page_size: pageSize, order_by: "first_name", order: "asc", q: q || undefined },
    }),
  createAgent: (body: AgentInput) => call(ENDPOINTS.adminCreateAgent, { body }),
  updateAgent: (id: number, body: AgentChange) => call(ENDPOINTS.adminUpdateAgent, { params: { id }, body }),
  deleteAgent: (id: number) => call(ENDPOINTS.adminDeleteAgent, { params: { id } }),
  /** A new key for the agent (any previous one stops working); its secret is in this answer only. */
  issueApiKey: (id: number) => call(ENDPOINTS.adminIssueApiKey, { params: { id } }),
  revokeApiKey: (id: number) => call(ENDPOINTS.adminRevokeApiKey, { params: { id } }),
  importAgents: (file: File) => {
    const form = new FormData();
    form.append("file", file);
    return call(ENDPOINTS.adminImportAgents, { body: form });
  },
  importStatus: () => call(ENDPOINTS.adminImportAgentsStatus),

  teams: () => call(ENDPOINTS.adminTeams),
  createTeam: (body: TeamInput) => call(ENDPOINTS.adminCreateTeam, { body }),
  updateTeam: (id: number, body: TeamInput) => call(ENDPOINTS.adminUpdateTeam, { params: { id }, body }),
  deleteTeam: (id: number) => call(ENDPOINTS.adminDeleteTeam, { params: { id } }),

  roles: () => call(ENDPOINTS.adminRoles),
  createRole: (body: RoleInput) => call(ENDPOINTS.adminCreateRole, { body }),
  updateRole: (id: number, body: RoleInput) => call(ENDPOINTS.adminUpdateRole, { params: { id }, body }),
  deleteRole: (id: number) => call(ENDPOINTS.adminDeleteRole, { params: { id } }),
};
