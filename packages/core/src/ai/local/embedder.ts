import { EMBEDDING_DIMENSIONS, type Embedder } from "../../port/ai.ts";
import { fnv1a } from "./hash.ts";
import { contentWords, stem } from "./text.ts";

export const LOCAL_EMBEDDING_MODEL = "local-hash-ngram-v1";

/**
 * Feature weights: whole words say most about meaning; bigrams reward phrases; character n-grams catch
 * inflections and typos ("refund" ~ "refunds" ~ "refnd") without dominating the vector.
 */
const WORD_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.5;
const CHAR_GRAM_WEIGHT = 0.12;
const CHAR_GRAM_SIZES = [3, 4, 5];
/** A second, independent hash decides each feature's sign, so collisions cancel out on average. */
const SIGN_SEED = 0x9747b28c;

/**
 * The local embedder: a deterministic feature-hashing vectoriser (no model file, no network). Word
 * unigrams + bigrams and character 3–5-grams of each word are hashed into EMBEDDING_DIMENSIONS buckets
 * with a sign hash; each feature counts 1 + ln(tf) (sublinear), and the vector is L2-normalised, so the
 * cosine of two vectors measures shared vocabulary. Lexical, not semantic: synonyms do not match.
 */
export function localEmbedder(): Embedder {
  return {
    provider: "local",
    model: LOCAL_EMBEDDING_MODEL,
    dimensions: EMBEDDING_DIMENSIONS,
    async embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
      signal?.throwIfAborted();
      return texts.map(embedText);
    },
  };
}

/** One text's vector (exported for the drafter, which ranks sentences synchronously). */
export function embedText(text: string): number[] {
  const counts = new Map<string, number>();
  const add = (feature: string, weight: number) => counts.set(feature, (counts.get(feature) ?? 0) + weight);
  const ws = contentWords(text).map(stem);
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    add(`w:${w}`, WORD_WEIGHT);
    if (i + 1 < ws.length) add(`b:${w} ${ws[i + 1]}`, BIGRAM_WEIGHT);
    const padded = ` ${w} `;
    for (const n of CHAR_GRAM_SIZES) {
      for (let j = 0; j + n <= padded.length; j++) add(`c:${padded.slice(j, j + n)}`, CHAR_GRAM_WEIGHT);
    }
  }
  const vector = new Array<number>(EMBEDDING_DIMENSIONS).fill(0);
  for (const [feature, tf] of counts) {
    const weight = tf > 0 ? subl(tf, feature) : 0;
    const bucket = fnv1a(feature) % EMBEDDING_DIMENSIONS;
    const sign = fnv1a(feature, SIGN_SEED) & 1 ? -1 : 1;
    vector[bucket]! += sign * weight;
  }
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm);
  // An empty text (or only stop words) is the zero vector: similar to nothing.
  return norm === 0 ? vector : vector.map((v) => v / norm);
}

/** Sublinear term frequency on the feature's own unit: a word said 10 times is not 10 times as relevant. */
function subl(tf: number, feature: string): number {
  const unit = feature.startsWith("w:") ? WORD_WEIGHT : feature.startsWith("b:") ? BIGRAM_WEIGHT : CHAR_GRAM_WEIGHT;
  const occurrences = tf / unit;
  return unit * (1 + Math.log(occurrences));
}

export function cosine(a: number[], b: number[]): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}
