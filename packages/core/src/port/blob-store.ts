/**
 * Where media bytes live: the filesystem when embedded, S3 in the cloud. Keys are chosen by the media
 * domain and always start with the tenant id (`<tenantId>/…`), so one workspace's keys never name
 * another's objects. The store never interprets content.
 */
export interface BlobStore {
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  /** The object's bytes, or undefined when no such key exists. */
  get(key: string): Promise<{ body: Uint8Array; contentType: string } | undefined>;
  /** Idempotent: deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Up to `limit` keys starting with `prefix`, in key order, after `after` when given (paging). A workspace's
   * objects are those under `<tenantId>/`: its purge lists and deletes them page by page.
   */
  list(prefix: string, options: { limit: number; after?: string | undefined }): Promise<string[]>;
  /** Deletes these keys (a page of `list`); idempotent like `delete`. */
  deleteMany(keys: readonly string[]): Promise<void>;
  /**
   * A time-limited URL that serves the object directly (S3 presigned GET), or undefined when the store
   * cannot make one (the filesystem): the API then serves the bytes itself behind its own signed URL.
   */
  presignedGetUrl?(
    key: string,
    options: { expiresInSeconds: number; filename: string; attachment: boolean },
  ): Promise<string>;
}
