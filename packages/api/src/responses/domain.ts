import { z } from "zod";
import { timestamp } from "./scalars.ts";

/** A custom domain with what its owner sets up to verify it (core/custom-domain `CustomDomainView`). */
export const customDomain = z
  .object({
    hostname: z.string(),
    status: z.enum(["verified", "pending"]).describe("Only a verified domain routes to its workspace."),
    created_at: timestamp,
    verified_at: timestamp.nullable(),
    last_error: z.string().nullable().describe("Why the last verification failed, in words."),
    verification: z.object({
      dns: z.object({
        type: z.literal("TXT"),
        name: z.string().describe("The record's name: `_helperiq-verification.<hostname>`."),
        value: z.string().describe("`helperiq-verification=<token>`."),
      }),
      http: z.object({
        url: z
          .string()
          .describe("Where the token must be answered: this service answers it once the domain points here."),
        body: z.string(),
      }),
      cname_target: z
        .string()
        .nullable()
        .describe("The workspace's own address under BASE_DOMAIN: a CNAME to it routes the domain here."),
    }),
  })
  .meta({ id: "CustomDomain" });
