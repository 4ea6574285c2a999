import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createFcmPush, FCM_SCOPE, parseServiceAccount, type FcmServiceAccount } from "@helperiq/adapters/push/fcm";
import type { PushMessage } from "@helperiq/core/port/index";
import { jwtVerify } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

/**
 * The FCM HTTP v1 adapter against a local server speaking Google's wire format: the OAuth token endpoint
 * (JWT-bearer grant, assertion checked against the service account's public key) and messages:send.
 */

const PROJECT = "helperiq-test";
const CLIENT_EMAIL = `push@${PROJECT}.iam.gserviceaccount.com`;

let server: Server;
let base: string;
let publicKey: KeyObject;
let account: FcmServiceAccount;

/** What the fake Google saw. */
let tokenRequests: Array<{ claims: Record<string, unknown>; header: Record<string, unknown> }>;
let sends: Array<{ authorization: string | undefined; body: any }>;
let issued: Set<string>;
/** Seconds the next access token lives. */
let tokenLifetime: number;

/** FCM's error envelope, as the v1 API answers. */
function fcmError(res: ServerResponse, code: number, status: string, message: string, errorCode?: string) {
  const details = errorCode ? [{ "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", errorCode }] : [];
  res.writeHead(code, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: { code, message, status, details } }));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function handle(req: IncomingMessage, res: ServerResponse) {
  const body = await readBody(req);
  if (req.method === "POST" && req.url === "/token") {
    const form = new URLSearchParams(body);
    try {
      expect(req.headers["content-type"]).toBe("application/x-www-form-urlencoded");
      expect(form.get("grant_type")).toBe("urn:ietf:params:oauth:grant-type:jwt-bearer");
      const { payload, protectedHeader } = await jwtVerify(form.get("assertion") ?? "", publicKey, {
        algorithms: ["RS256"],
        issuer: CLIENT_EMAIL,
        audience: `${base}/token`,
      });
      tokenRequests.push({
        claims: payload as Record<string, unknown>,
        header: protectedHeader as Record<string, unknown>,
      });
    } catch (err) {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "invalid_grant", error_description: String(err) }));
      return;
    }
    const token = `ya29.test-${tokenRequests.length}`;
    issued.add(token);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ access_token: token, expires_in: tokenLifetime, token_type: "Bearer" }));
    return;
  }
  if (req.method === "POST" && req.url === `/v1/projects/${PROJECT}/messages:send`) {
    const authorization = req.headers.authorization;
    const parsed = JSON.parse(body);
    sends.push({ authorization, body: parsed });
    if (!issued.has(authorization?.replace(/^Bearer /, "") ?? "")) {
      return fcmError(res, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
    }
    const device = parsed.message?.token;
    if (device === "uninstalled")
      return fcmError(res, 404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED");
    if (device === "busy")
      return fcmError(res, 503, "UNAVAILABLE", "The service is currently unavailable.", "UNAVAILABLE");
    if (device === "garbage") {
      return fcmError(
        res,
        400,
        "INVALID_ARGUMENT",
        "The registration token is not a valid FCM registration token",
        "INVALID_ARGUMENT",
      );
    }
    if (device === "too-big") return fcmError(res, 400, "INVALID_ARGUMENT", "Message is too big", "INVALID_ARGUMENT");
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ name: `projects/${PROJECT}/messages/${sends.length}` }));
    return;
  }
  res.writeHead(404).end();
}

beforeAll(async () => {
  const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  publicKey = keys.publicKey;
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // As Google's key file spells it (the JSON the FCM_SERVICE_ACCOUNT variable holds).
  account = parseServiceAccount(
    JSON.stringify({
      type: "service_account",
      project_id: PROJECT,
      private_key_id: "key-1",
      private_key: keys.privateKey.export({ type: "pkcs8", format: "pem" }),
      client_email: CLIENT_EMAIL,
      client_id: "1234567890",
      token_uri: `${base}/token`,
    }),
  );
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  tokenRequests = [];
  sends = [];
  issued = new Set();
  tokenLifetime = 3600;
});

const message = (token: string): PushMessage => ({
  token,
  platform: "android",
  title: "Ada mentioned you in #217",
  body: "Can you check the refund?",
  data: { notification_id: "42", type: "mention", conversation_uuid: "0b0c1c2e-5a7e-4a55-9b8e-3f1f5c2d7a10" },
});

describe("FCM HTTP v1 push", () => {
  it("signs in as the service account and sends the message FCM expects", async () => {
    const push = createFcmPush({ serviceAccount: account, endpoint: base });
    expect(await push.send(message("device-1"))).toBe("ok");

    expect(tokenRequests).toHaveLength(1);
    const { claims, header } = tokenRequests[0]!;
    expect(header).toMatchObject({ alg: "RS256", typ: "JWT", kid: "key-1" });
    expect(claims).toMatchObject({ iss: CLIENT_EMAIL, aud: `${base}/token`, scope: FCM_SCOPE });
    expect((claims.exp as number) - (claims.iat as number)).toBe(3600);

    expect(sends).toEqual([
      {
        authorization: "Bearer ya29.test-1",
        body: {
          message: {
            token: "device-1",
            notification: { title: "Ada mentioned you in #217", body: "Can you check the refund?" },
            data: { notification_id: "42", type: "mention", conversation_uuid: "0b0c1c2e-5a7e-4a55-9b8e-3f1f5c2d7a10" },
          },
        },
      },
    ]);
  });

  it("reuses the access token across sends, also concurrent ones, and renews it shortly before it expires", async () => {
    let now = Date.parse("2030-01-01T00:00:00Z");
    const push = createFcmPush({ serviceAccount: account, endpoint: base, now: () => now });
    expect(await Promise.all([push.send(message("a")), push.send(message("b"))])).toEqual(["ok", "ok"]);
    expect(await push.send(message("c"))).toBe("ok");
    expect(tokenRequests).toHaveLength(1);
    expect(new Set(sends.map((s) => s.authorization))).toEqual(new Set(["Bearer ya29.test-1"]));

    now += 3600_000 - 60_000; // a minute before expiry: too close to use
    expect(await push.send(message("d"))).toBe("ok");
    expect(tokenRequests).toHaveLength(2);
    expect(sends.at(-1)!.authorization).toBe("Bearer ya29.test-2");
  });

  it("answers unregistered for an uninstalled app's token and for a token FCM calls invalid", async () => {
    const push = createFcmPush({ serviceAccount: account, endpoint: base });
    expect(await push.send(message("uninstalled"))).toBe("unregistered");
    expect(await push.send(message("garbage"))).toBe("unregistered");
  });

  it("throws on 503, so the job is retried, and on a payload FCM refuses, keeping the token", async () => {
    const push = createFcmPush({ serviceAccount: account, endpoint: base });
    await expect(push.send(message("busy"))).rejects.toThrow(/503 UNAVAILABLE/);
    await expect(push.send(message("too-big"))).rejects.toThrow(/400 INVALID_ARGUMENT: Message is too big/);
  });

  it("signs in again after FCM rejects the access token", async () => {
    const push = createFcmPush({ serviceAccount: account, endpoint: base });
    expect(await push.send(message("a"))).toBe("ok");
    issued.clear(); // revoked on Google's side
    await expect(push.send(message("b"))).rejects.toThrow(/401/);
    expect(await push.send(message("b"))).toBe("ok");
    expect(tokenRequests).toHaveLength(2);
  });

  it("throws when the token endpoint refuses the assertion", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
      type: "pkcs8",
      format: "pem",
    }) as string;
    const push = createFcmPush({ serviceAccount: { ...account, private_key: other }, endpoint: base });
    await expect(push.send(message("a"))).rejects.toThrow(/token endpoint answered 400 \(invalid_grant\)/);
    expect(sends).toEqual([]);
  });

  it("refuses a service account that is not a key file", () => {
    expect(() => parseServiceAccount("not json")).toThrow(/not JSON/);
    expect(() => parseServiceAccount(JSON.stringify({ project_id: PROJECT }))).toThrow(/client_email is missing/);
  });
});
