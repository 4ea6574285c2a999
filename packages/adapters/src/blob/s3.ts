import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { contentDisposition } from "@helperiq/core/media/disposition";
import type { BlobStore } from "@helperiq/core/port/blob-store";

export type S3BlobStoreOptions = { bucket: string; client?: S3Client; clientConfig?: S3ClientConfig };

/** The cloud BlobStore: one S3 object per key; served to browsers through presigned GET URLs. */
export function createS3BlobStore(options: S3BlobStoreOptions): BlobStore {
  const client = options.client ?? new S3Client(options.clientConfig ?? {});
  const Bucket = options.bucket;
  return {
    async put(key, body, contentType) {
      await client.send(new PutObjectCommand({ Bucket, Key: key, Body: body, ContentType: contentType }));
    },
    async get(key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket, Key: key }));
        const body = await out.Body!.transformToByteArray();
        return { body, contentType: out.ContentType ?? "application/octet-stream" };
      } catch (err) {
        if (err instanceof NoSuchKey || (err as { name?: string }).name === "NoSuchKey") return undefined;
        throw err;
      }
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },
    async list(prefix, { limit, after }) {
      // ListObjects (v1) pages by marker, the last key seen, which is exactly `after` (and local S3 servers
      // that cannot make v2 continuation tokens page it too).
      const keys: string[] = [];
      let marker = after;
      for (;;) {
        const page = await client.send(
          new ListObjectsCommand({
            Bucket,
            Prefix: prefix,
            MaxKeys: Math.min(1000, limit - keys.length),
            ...(marker ? { Marker: marker } : {}),
          }),
        );
        const found = (page.Contents ?? []).map((o) => o.Key!);
        keys.push(...found);
        if (!page.IsTruncated || found.length === 0 || keys.length >= limit) return keys;
        marker = found.at(-1);
      }
    },
    async deleteMany(keys) {
      // DeleteObjects takes at most 1000 keys; a key it could not delete comes back in Errors.
      for (let i = 0; i < keys.length; i += 1000) {
        const out = await client.send(
          new DeleteObjectsCommand({
            Bucket,
            Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
          }),
        );
        const failed = out.Errors ?? [];
        if (failed.length)
          throw new Error(
            `S3 could not delete ${failed.length} object(s), e.g. ${failed[0]!.Key}: ${failed[0]!.Message}`,
          );
      }
    },
    async presignedGetUrl(key, { expiresInSeconds, filename, attachment }) {
      // S3 answers with this disposition (response-content-disposition is part of the signed URL).
      const disposition = contentDisposition(filename, attachment);
      return getSignedUrl(client, new GetObjectCommand({ Bucket, Key: key, ResponseContentDisposition: disposition }), {
        expiresIn: expiresInSeconds,
      });
    },
  };
}
