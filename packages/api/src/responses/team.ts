import { z } from "zod";
import { int, timestamp } from "./scalars.ts";

const teamMember = z.object({
  id: int,
  first_name: z.string(),
  last_name: z.string(),
  avatar_url: z.string().nullable(),
});

/** A team (core/team `teamView`); `members` when the route loads them. */
export const team = z
  .object({
    id: int,
    name: z.string(),
    emoji: z.string(),
    timezone: z.string().nullable(),
    members: z.array(teamMember).optional(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: "Team" });

/** A team's short form for pickers (core/team `listTeamsCompact`), with LibreDesk's default inbox (never one). */
export const teamCompact = z
  .object({
    id: int,
    name: z.string(),
    emoji: z.string(),
    default_inbox_id: z.null(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: "TeamCompact" });
