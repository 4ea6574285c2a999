import { S3Client } from "@aws-sdk/client-s3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";

export type LocalS3 = {
  endpoint: string;
  bucket: string;
  /** A client for the local server: path-style addressing, s3rver's fixed credentials. */
  client: S3Client;
  close(): Promise<void>;
};

/**
 * s3rver, an S3-compatible server, on a free loopback port with one empty bucket in a temporary directory.
 * It checks request signatures, but accepts a tampered presigned signature (see offline-stack.md): tests of
 * our own URL signatures must not lean on it.
 */
export async function startLocalS3(bucket = "media"): Promise<LocalS3> {
  const directory = mkdtempSync(join(tmpdir(), "hq-s3-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  return {
    endpoint,
    bucket,
    client,
    async close() {
      client.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
