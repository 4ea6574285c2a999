import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { InputError } from "../errors/index.ts";
import { media } from "../media/media.sql.ts";
import { checkReachableUrl } from "../outbound/checks.ts";
import type { Db } from "../port/database.ts";
import type { Outbound } from "../port/outbound.ts";
import type { RagSourceType } from "./rag.sql.ts";

export const MAX_CRAWL_DEPTH = 3;
export const MAX_SNIPPETS = 200;
export const MAX_SNIPPET_CHARS = 20_000;
export const MAX_FILES_PER_SOURCE = 50;
/** Extensions a file source reads (rag/extract.ts). */
export const RAG_FILE_EXTENSIONS = [".pdf", ".txt", ".md", ".docx"] as const;

const httpUrl = z
  .string()
  .trim()
  .max(2048)
  .refine(
    (v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol) && !new URL(v).username && !new URL(v).password,
    {
      message: "must be an http(s) URL without credentials",
    },
  );

const fileName = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .refine((n) => RAG_FILE_EXTENSIONS.some((ext) => n.toLowerCase().endsWith(ext)), {
    message: `must end in ${RAG_FILE_EXTENSIONS.join(", ")}`,
  });

/** Config per source type; unknown keys are refused so typos do not vanish. */
const CONFIGS = {
  macro: z.object({}).strict(),
  webpage: z.object({ url: httpUrl, crawl_depth: z.number().int().min(0).max(MAX_CRAWL_DEPTH).default(1) }).strict(),
  custom: z
    .object({
      snippets: z.array(z.string().trim().min(1, "must not be empty").max(MAX_SNIPPET_CHARS)).min(1).max(MAX_SNIPPETS),
    })
    .strict(),
  file: z
    .object({
      uploads: z
        .array(z.object({ filename: fileName, media_uuid: z.uuid("must be a uuid from /rag/upload") }).strict())
        .min(1)
        .max(MAX_FILES_PER_SOURCE),
    })
    .strict(),
} satisfies Record<RagSourceType, z.ZodType>;

export type WebpageConfig = { url: string; crawl_depth: number };
export type CustomConfig = { snippets: string[] };
export type FileConfig = { uploads: { filename: string; media_uuid: string }[] };

/**
 * The config of a source of `type`, normalised; InputError names the field as `config.<path>`. A web page's
 * host must be one the outbound policy lets the crawler reach.
 */
export async function parseSourceConfig(
  db: Db,
  outbound: Outbound,
  tenantId: number,
  type: RagSourceType,
  raw: unknown,
): Promise<Record<string, unknown>> {
  const parsed = CONFIGS[type].safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = ["config", ...issue.path.map(String)].join(".");
    throw new InputError(`${path}: ${issue.message}`);
  }
  const config = parsed.data as Record<string, unknown>;
  if (type === "file") await checkUploads(db, tenantId, config as FileConfig);
  if (type === "webpage") await checkReachableUrl(outbound, "config.url", (config as WebpageConfig).url);
  return config;
}

/** Every upload of a file source is media of this workspace (another workspace's uuid is as unknown as a made-up one). */
async function checkUploads(db: Db, tenantId: number, config: FileConfig) {
  const uuids = config.uploads.map((u) => u.media_uuid.toLowerCase());
  const found = await db
    .select({ uuid: media.uuid })
    .from(media)
    .where(and(eq(media.tenantId, tenantId), inArray(media.uuid, uuids)));
  const known = new Set(found.map((r) => r.uuid));
  const missing = uuids.findIndex((u) => !known.has(u));
  if (missing !== -1) throw new InputError(`config.uploads.${missing}.media_uuid: no such upload`);
}
