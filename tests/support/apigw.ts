import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApiGatewayManagementApiClient } from "@aws-sdk/client-apigatewaymanagementapi";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";

/**
 * The cloud's realtime plumbing without AWS: the Connections table (infra/realtime.ts) on dynalite, and the
 * API Gateway Management API as a local HTTP server that records every PostToConnection and answers
 * 410 Gone for connections marked gone.
 */
export type ApiGatewayHarness = {
  table: string;
  /** dynalite's URL, for clients that read their endpoint from the environment. */
  dynamoEndpoint: string;
  dynamoClient: DynamoDBClient;
  /** The Management API's URL (WS_ENDPOINT). */
  endpoint: string;
  management: ApiGatewayManagementApiClient;
  /** Every frame posted, oldest first. */
  posts: { id: string; text: string }[];
  /** Connections the Management API answers 410 for. */
  gone: Set<string>;
  /** Every DeleteConnection, oldest first. */
  deleted: string[];
  close(): Promise<void>;
};

/** Credentials and region of the local endpoints (nothing checks them). */
export const LOCAL_AWS = { region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "y" } };

export async function startApiGatewayHarness(table = "helperiq-test-Connections"): Promise<ApiGatewayHarness> {
  const dynamo: Server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => dynamo.listen(0, "127.0.0.1", resolve));
  const dynamoEndpoint = `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`;
  const dynamoClient = new DynamoDBClient({ endpoint: dynamoEndpoint, ...LOCAL_AWS });
  await dynamoClient.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  while ((await dynamoClient.send(new DescribeTableCommand({ TableName: table }))).Table?.TableStatus !== "ACTIVE")
    await new Promise((r) => setTimeout(r, 10));

  const posts: { id: string; text: string }[] = [];
  const gone = new Set<string>();
  const deleted: string[] = [];
  // The Management API's PostToConnection: POST /@connections/{id} with the frame as the body; DeleteConnection: DELETE.
  const gateway = createServer((req, res) => {
    const match = /^\/@connections\/([^/?]+)$/.exec(req.url ?? "");
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (!match || (req.method !== "POST" && req.method !== "DELETE")) return void res.writeHead(404).end();
      const id = decodeURIComponent(match[1]!);
      if (req.method === "DELETE" && !gone.has(id)) {
        deleted.push(id);
        return void res.writeHead(204).end();
      }
      if (gone.has(id))
        return void res
          .writeHead(410, { "content-type": "application/json", "x-amzn-errortype": "GoneException" })
          .end('{"message":null}');
      posts.push({ id, text: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => gateway.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
  const management = new ApiGatewayManagementApiClient({ endpoint, ...LOCAL_AWS, maxAttempts: 1 });
  return {
    table,
    dynamoEndpoint,
    dynamoClient,
    endpoint,
    management,
    posts,
    gone,
    deleted,
    async close() {
      management.destroy();
      dynamoClient.destroy();
      await new Promise((r) => gateway.close(r));
      await new Promise((r) => dynamo.close(r));
    },
  };
}
