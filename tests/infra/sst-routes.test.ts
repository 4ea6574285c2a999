import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { rateBucketOf } from "@helperiq/api/rate-buckets";
import { FAMILY_ROUTES, PREFLIGHT_ROUTES } from "@helperiq/api/routes";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_RECEIVE_COUNT } from "../../functions/redrive.ts";
import { WEB_DIST } from "../../packages/web/build.ts";
import { contentTypeOf, webBuildFiles, webPageHeaders } from "../../packages/web/serving.ts";
import { APP_PATH_SEGMENTS } from "../../packages/web/src/app-paths.ts";
import { CONTRACT_ROUTES } from "../contract/routes.ts";
import { recordSstConfig, ROOT, type RecordedConfig, type Resource } from "./sst-recorder.ts";

/**
 * Runs sst.config.ts with SST's globals replaced by recorders (no AWS, no Pulumi) and checks what it
 * declares: every route of the families that exist is wired to that family's function, nothing else is.
 */

let resources: Resource[];
let outputs: Record<string, unknown>;
let byType: RecordedConfig["byType"];

const gatewayPath = (honoPath: string) => honoPath.replace(/:([A-Za-z_]\w*)/g, "{$1}");

let wired: Array<{ route: string; handler: string | undefined }>;

beforeAll(async () => {
  ({ resources, outputs, byType } = await recordSstConfig());
  const functions = new Map(byType("sst.aws.Function").map((f) => [`sst.aws.Function:${f.name}.arn`, f]));
  const [api, ...others] = byType("sst.aws.ApiGatewayV2");
  expect(others).toEqual([]);
  wired = api!.routes.map(({ route, target }) => ({ route, handler: functions.get(String(target))?.args.handler }));
});

const familyOf = new Map(CONTRACT_ROUTES.map((r) => [`${r.method} ${r.path}`, r.family]));
const served = Object.entries(FAMILY_ROUTES).flatMap(([family, routes]) =>
  routes.map(([method, honoPath]) => ({ method, path: honoPath, family })),
);
const servedKeys = new Set(served.map((r) => `${r.method} ${r.path}`));

describe("sst.config.ts", () => {
  it("outputs the HTTP API, the web app's origin, the WebSocket API (for agents and widget visitors), the bucket and the registry", () => {
    expect(Object.keys(outputs).sort()).toEqual(["api", "connections", "media", "web", "websocket"]);
    expect(outputs.web).toBe("sst.aws.Router:WebRouter.url");
    expect(String(outputs.websocket)).toContain("Realtime");
  });

  it("wires every route of every family to that family's function, once", () => {
    expect(served.length).toBeGreaterThan(0);
    const miswired = served.flatMap(({ method, path: honoPath, family }) => {
      const route = `${method} ${gatewayPath(honoPath)}`;
      const expected = [{ route, handler: `functions/http/${familyOf.get(`${method} ${honoPath}`)}.handler` }];
      const actual = wired.filter((w) => w.route === route);
      return JSON.stringify(actual) === JSON.stringify(expected) ? [] : [{ family, expected, actual }];
    });
    expect(miswired).toEqual([]);
  });

  // Families grow issue by issue: the contract routes an existing family does not serve yet are listed as
  // todos (they disappear once served); a served route outside the contract fails the next test.
  for (const { method, path: honoPath, family } of CONTRACT_ROUTES) {
    if (!(family in FAMILY_ROUTES) || servedKeys.has(`${method} ${honoPath}`)) continue;
    it.todo(`serve ${method} ${honoPath} (${family})`);
  }

  it("wires only contract routes and the declared CORS preflights, each once", () => {
    const preflights = Object.values(PREFLIGHT_ROUTES).flatMap((paths) => paths.map((p) => `OPTIONS ${p}`));
    const contract = new Set([...CONTRACT_ROUTES.map((r) => `${r.method} ${gatewayPath(r.path)}`), ...preflights]);
    const routes = wired.map((w) => w.route);
    expect(routes.filter((r) => !contract.has(r))).toEqual([]);
    expect(new Set(routes).size).toBe(routes.length);
  });

  it("routes the widget's CORS preflights to the widget function (the widget runs on customers' sites)", () => {
    expect(wired.filter((w) => w.route === "OPTIONS /api/v1/widget/{proxy+}")).toEqual([
      { route: "OPTIONS /api/v1/widget/{proxy+}", handler: "functions/http/widget.handler" },
    ]);
  });

  it("creates one function per family", () => {
    const handlers = byType("sst.aws.Function").map((f) => f.args.handler as string);
    const http = handlers.filter((h) => h.startsWith("functions/http/")).sort();
    expect(http).toEqual(
      Object.keys(FAMILY_ROUTES)
        .map((family) => `functions/http/${family}.handler`)
        .sort(),
    );
  });

  it("installs the native argon2 addon into every HTTP function, at a pinned version", () => {
    for (const fn of byType("sst.aws.Function").filter((f) => f.args.handler.startsWith("functions/http/"))) {
      expect(fn.args.nodejs?.install?.["@node-rs/argon2"], fn.name).toMatch(/^\d+\.\d+\.\d+/);
    }
  });

  it("points every function at a file that exports `handler`", async () => {
    // Function args, the inline function args of crons, and queue subscribers.
    const handlers = resources
      .flatMap((r) => [
        r.args.handler,
        r.args.function?.handler,
        r.args.function,
        ...r.subscribers.map((s) => s.subscriber),
      ])
      .flatMap((h) => [h, h?.handler])
      .filter((h): h is string => typeof h === "string");
    expect(handlers).toEqual(
      expect.arrayContaining([
        "functions/migrate.handler",
        "functions/cron/run.handler",
        "functions/queue/worker.handler",
      ]),
    );
    for (const handler of new Set(handlers)) {
      const dot = handler.lastIndexOf(".");
      const [source, exported] = [path.join(ROOT, `${handler.slice(0, dot)}.ts`), handler.slice(dot + 1)];
      expect(existsSync(source), source).toBe(true);
      const mod = await import(pathToFileURL(source).href);
      expect(typeof mod[exported], handler).toBe("function");
    }
  });

  it("ships the migrations with the migrator and runs it on deploy", () => {
    const [migrator] = byType("sst.aws.Function").filter((f) => f.args.handler === "functions/migrate.handler");
    expect(migrator!.args.copyFiles).toEqual([{ from: "packages/core/migrations", to: "migrations" }]);
    expect(existsSync(path.join(ROOT, "packages/core/migrations/meta/_journal.json"))).toBe(true);
    expect(migrator!.args.environment.MIGRATIONS_DIR).toBe("/var/task/migrations");
    const [invocation] = byType("aws.lambda.Invocation");
    expect(invocation!.args.functionName).toBe(`sst.aws.Function:${migrator!.name}.name`);
  });
});

describe("the jobs queue", () => {
  const queue = (name: string) => byType("sst.aws.Queue").find((q) => q.name === name)!;

  it("is drained by the worker with partial batch responses", () => {
    const [subscription, ...more] = queue("Jobs").subscribers;
    expect(more).toEqual([]);
    expect(subscription!.subscriber.handler).toBe("functions/queue/worker.handler");
    expect(subscription!.subscriber.environment.DATABASE_URL).toBeDefined();
    // Jobs unseal channel and AI secrets.
    expect(subscription!.subscriber.environment.SECRET_KEYS).toBeDefined();
    expect(subscription!.args.batch).toEqual({ size: 10, partialResponses: true });
  });

  it("redrives to a dead-letter queue after the worker's last attempt, and outlives a worker run", () => {
    const { dlq, visibilityTimeout } = queue("Jobs").args;
    expect(dlq).toEqual({ queue: `sst.aws.Queue:${queue("JobsDead").name}.arn`, retry: MAX_RECEIVE_COUNT });
    const seconds = (d: string) => Number(d.split(" ")[0]) * (d.includes("minute") ? 60 : 1);
    expect(seconds(visibilityTimeout)).toBeGreaterThanOrEqual(
      seconds(queue("Jobs").subscribers[0]!.subscriber.timeout),
    );
  });

  it("is linked, with its URL, to the families that import CSV files, sync knowledge sources or mail a new workspace's admin, and to no other", () => {
    const http = byType("sst.aws.Function").filter((f) => f.args.handler.startsWith("functions/http/"));
    const publishers = http.filter((f) => f.args.environment.QUEUE_URL !== undefined);
    expect(publishers.map((f) => f.args.handler).sort()).toEqual([
      "functions/http/agents.handler",
      "functions/http/platform.handler",
      "functions/http/rag.handler",
      // Sign-up mails its verification link.
      "functions/http/signup.handler",
      "functions/http/statuses.handler",
    ]);
    for (const publisher of publishers) {
      expect(publisher.args.environment.QUEUE_URL).toBe("sst.aws.Queue:Jobs.url");
      expect(publisher.args.link.map((r: { record: Resource }) => r.record.name)).toContain("Jobs");
    }
  });

  it("leaves the AWS SDK out of the bundles, as the Lambda runtime provides it", () => {
    const functions = [...byType("sst.aws.Function").map((f) => f.args), queue("Jobs").subscribers[0]!.subscriber];
    for (const fn of functions.filter((f) => f.handler !== "functions/migrate.handler")) {
      expect(fn.nodejs?.esbuild?.external, fn.handler).toContain("@aws-sdk/*");
    }
  });
});

describe("the contract on API Gateway", () => {
  it("never names two path variables differently at the same level (API Gateway's ConflictException)", () => {
    const variableAt = new Map<string, string>();
    const conflicts: string[] = [];
    for (const { path: honoPath } of CONTRACT_ROUTES) {
      const segments = honoPath.split("/").slice(1);
      segments.forEach((segment, i) => {
        if (!segment.startsWith(":")) return;
        const parent = segments.slice(0, i).join("/");
        const seen = variableAt.get(parent);
        if (seen && seen !== segment) conflicts.push(`/${parent}/{${seen} vs ${segment}}`);
        variableAt.set(parent, segment);
      });
    }
    expect(conflicts).toEqual([]);
  });

  it("lists each method and path once", () => {
    const keys = CONTRACT_ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });
});

describe("the media bucket", () => {
  const names = (fn: { link?: Array<{ record: Resource }> }) => (fn.link ?? []).map((r) => r.record.name);
  const bucket = "sst.aws.Bucket:Media.name";

  it("is linked, with its name, to the media, knowledge and export-serving families' functions and no other HTTP function", () => {
    const http = byType("sst.aws.Function").filter((f) => f.args.handler.startsWith("functions/http/"));
    const linked = http.filter((f) => names(f.args).includes("Media"));
    // The widget family stores uploads too, once it exists, and so does the knowledge base (/rag/upload).
    const expected = [
      "functions/http/media.handler",
      "functions/http/rag.handler",
      ...("widget" in FAMILY_ROUTES ? ["functions/http/widget.handler"] : []),
      // Workspace export archives are presigned from the bucket: the admin's (settings) and the operator's (platform).
      "functions/http/settings.handler",
      "functions/http/platform.handler",
    ];
    expect(linked.map((f) => f.args.handler).sort()).toEqual(expected.sort());
    for (const fn of http)
      expect(fn.args.environment.MEDIA_BUCKET, fn.args.handler).toBe(
        names(fn.args).includes("Media") ? bucket : undefined,
      );
  });

  it("is linked to the queue worker (mail attachments) and the orphan cleanup cron", () => {
    const worker = byType("sst.aws.Queue").find((q) => q.name === "Jobs")!.subscribers[0]!.subscriber;
    const [cron] = byType("sst.aws.CronV2").filter((c) => c.name === "CleanupMedia");
    for (const fn of [worker, cron!.args.function]) {
      expect(names(fn)).toContain("Media");
      expect(fn.environment.MEDIA_BUCKET).toBe(bucket);
      expect(fn.nodejs?.esbuild?.external).toContain("@aws-sdk/*");
    }
    expect(cron!.args.function.environment.CRON_JOB).toBe("cleanup-media");
  });
});

describe("the rate table", () => {
  it("is linked, with its name, to every family but the health check (a workspace's API rate limit counts on every authenticated route)", () => {
    const limited = Object.keys(FAMILY_ROUTES)
      .filter((family) => family !== "health")
      .map((family) => `functions/http/${family}.handler`);
    // Among them every family serving a per-IP rate-limited path (rate-buckets.ts).
    expect(limited).toContain("functions/http/auth.handler");
    expect(rateBucketOf("/api/v1/auth/login")).toBe("auth");
    const http = byType("sst.aws.Function").filter((f) => f.args.handler.startsWith("functions/http/"));
    const counting = http.filter((f) => f.args.environment.RATE_TABLE !== undefined);
    expect(counting.map((f) => f.args.handler).sort()).toEqual(limited.sort());
    for (const fn of counting) {
      expect(fn.args.environment.RATE_TABLE).toBe("sst.aws.Dynamo:RateCounters.name");
      expect(fn.args.link.map((r: { record: Resource }) => r.record.name)).toContain("RateCounters");
    }
  });

  it("has the key and TTL attribute the DynamoDB counter writes", () => {
    const [table] = byType("sst.aws.Dynamo");
    expect(table!.args).toEqual({ fields: { pk: "string" }, primaryIndex: { hashKey: "pk" }, ttl: "expires_at" });
  });
});

describe("the web router (the app and the API on one origin)", () => {
  type Route =
    | string
    | { url?: string; bucket?: { record: Resource }; rewrite?: { regex: string; to: string }; edge?: any };
  const API = "sst.aws.ApiGatewayV2:Api.url";
  const SOCKETS = "sst.aws.ApiGatewayWebSocket:Realtime.url";
  let routes: Record<string, Route>;
  let files: string[];

  beforeAll(() => {
    const [router, ...others] = byType("sst.aws.Router");
    expect(others).toEqual([]);
    routes = router!.args.routes;
    files = webBuildFiles(WEB_DIST).map((f) => f.rel);
  });

  /** CloudFront's choice: the first listed pattern matching the path (`*` any run of characters), `/*` last. */
  function behaviourFor(path: string): { pattern: string; route: Route } {
    const matches = (pattern: string) =>
      new RegExp(
        `^${pattern
          .replace(/[.+^${}()|[\]\\]/g, "\\$&")
          .replace(/\*/g, ".*")
          .replace(/\?/g, ".")}$`,
      ).test(path);
    const pattern = Object.keys(routes).find((p) => p !== "/*" && matches(p)) ?? "/*";
    return { pattern, route: routes[pattern]! };
  }
  const destination = (path: string) => {
    const { route } = behaviourFor(path);
    return typeof route === "string" ? route : route.bucket ? `bucket:${route.bucket.record.name}` : route.url;
  };
  /** What the site's viewer-request function makes of a path (the object the bucket is asked for). */
  function siteObject(path: string): string {
    const code = (routes["/*"] as { edge: any }).edge.viewerRequest.injection as string;
    const event = { request: { uri: path, headers: {} } };
    return new Function("event", `${code}\nreturn event.request;`)(event).uri;
  }
  const sample = (honoPath: string) => honoPath.replace(/:([A-Za-z_]\w*)/g, "x1");

  it("sends every route of every family to the HTTP API", () => {
    const elsewhere = served
      .map(({ method, path: honoPath }) => ({ route: `${method} ${honoPath}`, to: destination(sample(honoPath)) }))
      .filter(({ to }) => to !== API);
    expect(served.length).toBeGreaterThan(100);
    expect(elsewhere).toEqual([]);
  });

  it("sends unknown /api/* paths to the API too, so they get its JSON 404, and never to the app", () => {
    for (const path of ["/api/v1/no-such-route", "/api/nothing", "/api/v1/conversations/x/no-such"])
      expect(destination(path), path).toBe(API);
  });

  it("sends the agents' and the widget's WebSocket paths to the WebSocket API's stage", () => {
    for (const path of ["/ws", "/widget/ws"]) {
      const { route } = behaviourFor(path);
      expect(route, path).toEqual({ url: SOCKETS, rewrite: { regex: `^${path}$`, to: "/$default" } });
      expect(path.replace(new RegExp((route as { rewrite: { regex: string } }).rewrite.regex), "/$default")).toBe(
        "/$default",
      );
    }
  });

  it("serves the app's paths from the site bucket as index.html, and the build's files as themselves", () => {
    const appPaths = ["/", ...APP_PATH_SEGMENTS.flatMap((s) => [`/${s}`, `/${s}/deeper/path`])];
    appPaths.push("/inboxes/assigned/conversations/0192c4d2-6c1a-7c3e-9f00-000000000001", "/reset-password");
    for (const path of appPaths) {
      expect(destination(path), path).toBe("bucket:Web");
      expect(siteObject(path), path).toBe("/index.html");
    }
    expect(files).toContain("index.html");
    expect(files.some((f) => f.startsWith("assets/") && f.endsWith(".js"))).toBe(true);
    for (const rel of files) {
      expect(destination(`/${rel}`), rel).toBe("bucket:Web");
      expect(siteObject(`/${rel}`), rel).toBe(`/${rel}`);
    }
    // An old build's chunk stays a miss (the bucket's error), not a page with a 200.
    expect(siteObject("/assets/gone-0000.js")).toBe("/assets/gone-0000.js");
  });

  it("uploads every file of the build with its type: hashed assets cached for a year, the rest revalidated", () => {
    const [bucket] = byType("sst.aws.Bucket").filter((b) => b.name === "Web");
    expect(bucket!.args).toEqual({ access: "cloudfront" });
    const objects = byType("aws.s3.BucketObjectv2").map((o) => o.args);
    expect(objects.map((o) => o.key).sort()).toEqual([...files].sort());
    for (const o of objects) {
      expect(o.bucket).toBe("sst.aws.Bucket:Web.name");
      expect(o.source.path).toBe(path.join(WEB_DIST, o.key));
      expect(o.contentType).toBe(contentTypeOf(o.key));
    }
    const index = objects.find((o) => o.key === "index.html")!;
    expect(index).toMatchObject({ contentType: "text/html; charset=utf-8", cacheControl: "no-cache" });
    const script = objects.find((o) => o.key.startsWith("assets/") && o.key.endsWith(".js"))!;
    expect(script).toMatchObject({
      contentType: "text/javascript; charset=utf-8",
      cacheControl: "public, max-age=31536000, immutable",
    });
  });

  it("answers the site's pages with the embedded server's CSP and security headers, for the Host asked", () => {
    const code = (routes["/*"] as { edge: any }).edge.viewerResponse.injection as string;
    const respond = (host: string | undefined) => {
      const event = {
        request: { headers: host === undefined ? {} : { host: { value: host } } },
        response: { headers: {} },
      };
      const headers = new Function("event", `${code}\nreturn event.response;`)(event).headers;
      return Object.fromEntries(Object.entries(headers).map(([name, v]) => [name, (v as { value: string }).value]));
    };
    for (const host of ["helpdesk.example.com", "acme.helperiq.app:8443", undefined, 'evil" script-src *']) {
      const expected = { ...webPageHeaders(host), "x-content-type-options": "nosniff" };
      expect(respond(host), String(host)).toEqual(expected);
    }
    expect(respond("helpdesk.example.com")["content-security-policy"]).toContain(
      "connect-src 'self' ws://helpdesk.example.com wss://helpdesk.example.com",
    );
  });

  it("gives the API functions the router's URL for mailed links and the forwarded Host for workspaces", () => {
    const http = byType("sst.aws.Function").filter((f) => f.args.handler.startsWith("functions/http/"));
    expect(http.length).toBeGreaterThan(0);
    for (const fn of http) {
      expect(fn.args.environment.ROOT_URL, fn.args.handler).toBe("sst.aws.Router:WebRouter.url");
      expect(fn.args.environment.TRUST_PROXY, fn.args.handler).toBe("true");
    }
  });

  it("gives the platform API key (SST secret PlatformApiKey) to the platform function alone", () => {
    const secrets = byType("sst.Secret").map((r) => r.name);
    expect(secrets).toContain("PlatformApiKey");
    const holders = byType("sst.aws.Function").filter((f) => f.args.environment?.PLATFORM_API_KEY !== undefined);
    expect(holders.map((f) => f.args.handler)).toEqual(["functions/http/platform.handler"]);
    expect(String(holders[0]!.args.environment.PLATFORM_API_KEY)).toContain("PlatformApiKey");
  });
});
