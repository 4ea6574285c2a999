import { InputError } from "../errors/index.ts";
import { describeBytes } from "../media/limits.ts";
import { describeMedia, storeMedia } from "../media/store.ts";
import type { BlobStore } from "../port/blob-store.ts";
import type { Db } from "../port/database.ts";
import { RAG_FILE_EXTENSIONS } from "./config.ts";

/** Declared types that fit each extension (the sniffed type decides; text files sniff as nothing). */
const PDF = /^application\/pdf$/;
const DOCX = /^application\/vnd\.openxmlformats-officedocument\.wordprocessingml\.document$|^application\/zip$/;

/**
 * `POST /rag/upload`: stores a knowledge file as media that never expires (it belongs to the knowledge
 * base, not to a message) and returns the `{filename, media_uuid}` a file source's config lists.
 */
export async function uploadKnowledgeFile(
  db: Db,
  blobs: BlobStore,
  input: {
    tenantId: number;
    uploadedBy: number;
    filename: string;
    contentType: string;
    bytes: Uint8Array;
    maxBytes: number;
  },
) {
  const lower = input.filename.toLowerCase();
  const ext = RAG_FILE_EXTENSIONS.find((e) => lower.endsWith(e));
  if (!ext) throw new InputError(`file: only ${RAG_FILE_EXTENSIONS.join(", ")} files are accepted`);
  if (input.bytes.byteLength === 0) throw new InputError("file: is empty");
  if (input.bytes.byteLength > input.maxBytes)
    throw new InputError(`file: larger than the limit of ${describeBytes(input.maxBytes)}`);
  // Checked before anything is stored: a refused file leaves no media behind.
  const { contentType } = await describeMedia(input);
  const matches =
    ext === ".pdf" ? PDF.test(contentType) : ext === ".docx" ? DOCX.test(contentType) : /^text\//.test(contentType);
  if (!matches) throw new InputError(`file: the content is ${contentType}, not a ${ext} file`);
  const stored = await storeMedia(db, blobs, {
    tenantId: input.tenantId,
    filename: input.filename,
    contentType: input.contentType,
    bytes: input.bytes,
    uploadedBy: input.uploadedBy,
  });
  return { filename: stored.filename, media_uuid: stored.uuid, content_type: stored.contentType, size: stored.size };
}
