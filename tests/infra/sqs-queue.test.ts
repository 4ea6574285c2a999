import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SQSClient } from "@aws-sdk/client-sqs";
import { createSqsQueue } from "@helperiq/adapters/queue/sqs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

/**
 * The SQS adapter against a local HTTP server speaking the AWS JSON 1.0 protocol the SDK uses for SQS,
 * answering the body's MD5 as real SQS does (the SDK rejects a reply without the right one).
 */

type Received = { target: string | undefined; contentType: string | undefined; body: Record<string, unknown> };

const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/helperiq-test-Jobs";
const received: Received[] = [];
/** What the server answers next: a normal reply unless a test sets an error. */
let failWith: { status: number; type: string } | undefined;
let server: Server;
let client: SQSClient;

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (raw += chunk));
    req.on("end", () => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      received.push({ target: req.headers["x-amz-target"] as string, contentType: req.headers["content-type"], body });
      res.setHeader("content-type", "application/x-amz-json-1.0");
      if (failWith) {
        res.statusCode = failWith.status;
        res.setHeader("x-amzn-query-error", `${failWith.type};Sender`);
        return res.end(JSON.stringify({ __type: `com.amazonaws.sqs#${failWith.type}`, message: "slow down" }));
      }
      const md5 = createHash("md5").update(String(body.MessageBody)).digest("hex");
      res.end(JSON.stringify({ MessageId: `m-${received.length}`, MD5OfMessageBody: md5 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  client = new SQSClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: "us-east-1",
    credentials: { accessKeyId: "x", secretAccessKey: "y" },
    // One attempt: the retry behaviour is the SDK's, and waiting for its back-off would only slow the test.
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client?.destroy();
  await new Promise((resolve) => server?.close(resolve));
});

beforeEach(() => {
  received.length = 0;
  failWith = undefined;
});

describe("createSqsQueue", () => {
  it("sends the message as the JSON body of a SendMessage to the queue URL", async () => {
    const queue = createSqsQueue({ queueUrl: QUEUE_URL, client });
    await queue.send({ type: "import.run", tenantId: 7, jobId: 42 });

    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request!.target).toBe("AmazonSQS.SendMessage");
    expect(request!.contentType).toBe("application/x-amz-json-1.0");
    expect(request!.body.QueueUrl).toBe(QUEUE_URL);
    expect(JSON.parse(String(request!.body.MessageBody))).toEqual({ type: "import.run", tenantId: 7, jobId: 42 });
  });

  it("rejects when SQS answers with an error, so the caller knows the job was not queued", async () => {
    const queue = createSqsQueue({ queueUrl: QUEUE_URL, client });
    failWith = { status: 400, type: "RequestThrottled" };
    await expect(queue.send({ type: "import.run", tenantId: 7, jobId: 1 })).rejects.toMatchObject({
      name: "RequestThrottled",
    });
    failWith = { status: 500, type: "InternalError" };
    await expect(queue.send({ type: "import.run", tenantId: 7, jobId: 2 })).rejects.toMatchObject({
      $metadata: { httpStatusCode: 500 },
    });
    expect(received).toHaveLength(2);
  });
});
