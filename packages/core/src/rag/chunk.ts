/** Chunking: paragraphs packed up to CHUNK_CHARS, long paragraphs split at sentences, with overlap. */

export const CHUNK_CHARS = 1200;
/** The tail of a chunk repeated at the start of the next, so an answer spanning a boundary is found whole. */
export const CHUNK_OVERLAP_CHARS = 200;
/** Bounds one document's chunks (a huge page or file is cut, not embedded forever). */
export const MAX_CHUNKS_PER_DOCUMENT = 200;

export function chunkText(text: string, size = CHUNK_CHARS, overlap = CHUNK_OVERLAP_CHARS): string[] {
  const pieces = text
    .split(/\n\s*\n/)
    .map((p) =>
      p
        .replace(/[ \t]+/g, " ")
        .replace(/\s*\n\s*/g, "\n")
        .trim(),
    )
    .filter(Boolean)
    .flatMap((p) => (p.length <= size ? [p] : splitLong(p, size)));
  const chunks: string[] = [];
  let current = "";
  for (const piece of pieces) {
    if (current && current.length + 2 + piece.length > size) {
      chunks.push(current);
      if (chunks.length >= MAX_CHUNKS_PER_DOCUMENT) return chunks;
      current = tail(current, overlap);
    }
    current = current ? `${current}\n\n${piece}` : piece;
  }
  if (current) chunks.push(current);
  return chunks.slice(0, MAX_CHUNKS_PER_DOCUMENT);
}

/** A paragraph longer than a chunk: by sentences, and a sentence longer than a chunk by characters. */
function splitLong(paragraph: string, size: number): string[] {
  const out: string[] = [];
  let current = "";
  for (const sentence of paragraph.split(/(?<=[.!?])\s+/)) {
    for (let i = 0; i < sentence.length; i += size) {
      const part = sentence.slice(i, i + size);
      if (current && current.length + 1 + part.length > size) {
        out.push(current);
        current = "";
      }
      current = current ? `${current} ${part}` : part;
    }
  }
  if (current) out.push(current);
  return out;
}

/** The last `n` characters, starting at a word boundary. */
function tail(text: string, n: number): string {
  if (text.length <= n) return text;
  const cut = text.slice(-n);
  const space = cut.indexOf(" ");
  return space === -1 ? cut : cut.slice(space + 1);
}
