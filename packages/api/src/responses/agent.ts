import { AVAILABILITY_STATUS_NAMES } from "@helperiq/core/agent/availability";
import { EMAILED_TYPES } from "@helperiq/core/notification/mail";
import { PERMISSIONS } from "@helperiq/core/role/permissions";
import { AVAILABILITIES, USER_TYPES } from "@helperiq/core/user/user.sql";
import { z } from "zod";
import { int, timestamp } from "./scalars.ts";

export const agentTeam = z.object({ id: int, name: z.string(), emoji: z.string() }).meta({ id: "AgentTeam" });

const availability = z.enum(AVAILABILITIES);
const availabilityStatus = z
  .enum(AVAILABILITY_STATUS_NAMES)
  .describe("LibreDesk's finer status: away_manual, away_and_reassigning.");

/** An agent (core/agent `agentView`). */
export const agent = z
  .object({
    id: int,
    type: z.literal("agent"),
    email: z.string(),
    first_name: z.string(),
    last_name: z.string(),
    avatar_url: z.string().nullable(),
    availability,
    availability_status: availabilityStatus,
    enabled: z.boolean(),
    roles: z.array(z.string()).describe("Role names."),
    teams: z.array(agentTeam),
    last_active_at: timestamp.nullable(),
    last_login_at: timestamp.nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: "Agent" });

/** The signed-in agent (core/agent `getMe`): the agent with what they may do and their own settings. */
export const me = agent
  .extend({
    permissions: z.array(z.enum(PERMISSIONS)),
    email_notifications: z.object(
      Object.fromEntries(EMAILED_TYPES.map((type) => [type, z.boolean()])) as Record<
        (typeof EMAILED_TYPES)[number],
        z.ZodBoolean
      >,
    ),
    signature: z.string().describe("The agent's signature template, composed above the inbox's in replies."),
  })
  .meta({ id: "Me" });

/** An agent's short form for pickers (core/agent `listAgentsCompact`). */
export const agentCompact = z
  .object({
    id: int,
    type: z.enum(USER_TYPES),
    first_name: z.string(),
    last_name: z.string(),
    email: z.string().nullable(),
    enabled: z.boolean(),
    avatar_url: z.string().nullable(),
    availability,
    availability_status: availabilityStatus,
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: "AgentCompact" });

/** A new API key: `api_key` is shown this once. */
export const issuedApiKey = z
  .object({ id: int, api_key: z.string(), prefix: z.string(), created_at: timestamp })
  .meta({ id: "IssuedApiKey" });

export const revokedApiKeys = z.object({ revoked: int.describe("How many keys were revoked.") });
