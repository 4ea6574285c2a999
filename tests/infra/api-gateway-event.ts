import type { LambdaEvent } from "hono/aws-lambda";

/** A request as API Gateway's HTTP API hands it to Lambda (payload format 2.0), addressed to `host`. */
export function httpApiEvent(
  host: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): LambdaEvent {
  const now = new Date();
  const routeKey = `${method} ${path}`;
  return {
    version: "2.0",
    routeKey,
    rawPath: path,
    rawQueryString: "",
    headers: { host, "user-agent": "vitest", ...headers },
    body: null,
    isBase64Encoded: false,
    requestContext: {
      accountId: "123456789012",
      apiId: "helperiq",
      authentication: null,
      authorizer: {},
      domainName: host,
      domainPrefix: host.split(".")[0]!,
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "203.0.113.7", userAgent: "vitest" },
      requestId: `req-${now.getTime()}`,
      routeKey,
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
  };
}
