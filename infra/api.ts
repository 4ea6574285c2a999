import path from "node:path";
import { buildWidgetScriptSync } from "../packages/widget/build";
import { FAMILY_ROUTES, PREFLIGHT_ROUTES, type RouteFamily } from "../packages/api/src/routes";
import { appEnvironment, LAMBDA_ESBUILD, NATIVE_PACKAGES, NODE_RUNTIME } from "./lambda";
import { jobs } from "./queue";
import { rateCounters } from "./ratelimit";
import { platformApiKey } from "./secrets";
import { realtimeEnvironment, realtimeLinks } from "./realtime";
import { media } from "./storage";
import { webRouter } from "./web";

/** The HTTP API: every route of every family, each family served by one Lambda (functions/http/<family>.ts). */
export const api = new sst.aws.ApiGatewayV2("Api");

/** The web app and the API on one origin (infra/web.ts): the URL agents open, and mailed links name (ROOT_URL). */
export const web = webRouter(api);

/**
 * Resources a family's function may use beyond the database (linking grants the IAM permissions).
 * A family linked to the jobs queue publishes to it (tag and agent imports), through QUEUE_URL; one
 * linked to the media bucket stores and presigns files there, through MEDIA_BUCKET.
 */
const FAMILY_LINKS: Partial<Record<RouteFamily, unknown[]>> = {
  statuses: [jobs],
  agents: [jobs],
  media: [media],
  // The widget's upload (POST /api/v1/widget/media/upload) stores files like the media family.
  widget: [media],
  // Knowledge sources enqueue rag.sync; /rag/upload stores files in the media bucket.
  rag: [jobs, media],
  // Sign-up mails its verification link through the queue and counts its per-IP and per-email limits.
  signup: [jobs, rateCounters],
  // The operator's API: a new workspace's set-password mail goes through the queue; export downloads are presigned.
  platform: [jobs, media],
  // The admin's data export is downloaded from the media bucket (presigned).
  settings: [media],
};

/** Environment only one family's function gets: the platform API key reaches no other function. */
function familyEnvironment(family: RouteFamily): Record<string, $util.Input<string>> {
  if (family !== "platform") return {};
  const optional = (name: string) => (process.env[name] ? { [name]: process.env[name]! } : {});
  return { PLATFORM_API_KEY: platformApiKey.value, ...optional("PLATFORM_HOST"), ...optional("PLATFORM_RATE_LIMIT") };
}

/**
 * The widget Lambda serves `/widget.js`: the script is built here, at deploy, and baked into its bundle
 * (functions/widget-script.ts reads the defined constant), so the Lambda needs no esbuild at run time.
 */
function widgetEsbuild() {
  const script = buildWidgetScriptSync(path.resolve("packages/widget/browser/widget.ts"));
  return { ...LAMBDA_ESBUILD, define: { __HQ_WIDGET_SCRIPT__: JSON.stringify(script) } };
}

/**
 * Every family but the health check counts in the rate table, through RATE_TABLE: the per-IP limits of the
 * rate-limited paths (rate-buckets.ts), and a workspace's API requests per minute on every authenticated route
 * (packages/api/src/middleware/api-rate.ts), which only limit anything when counted across Lambda instances.
 */
const countsRates = (family: RouteFamily) => family !== "health";

/** Hono's `/x/:id` is API Gateway's `/x/{id}`. */
function gatewayPath(path: string): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, "{$1}");
}

const pascal = (name: string) => name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());

for (const family of Object.keys(FAMILY_ROUTES) as RouteFamily[]) {
  const links = [...(FAMILY_LINKS[family] ?? []), ...(countsRates(family) ? [rateCounters] : [])];
  const fn = new sst.aws.Function(`Http${pascal(family)}`, {
    handler: `functions/http/${family}.handler`,
    runtime: NODE_RUNTIME,
    environment: {
      ...appEnvironment(web.url),
      ...familyEnvironment(family),
      ...(links.includes(jobs) ? { QUEUE_URL: jobs.url } : {}),
      ...(links.includes(rateCounters) ? { RATE_TABLE: rateCounters.name } : {}),
      ...(links.includes(media) ? { MEDIA_BUCKET: media.name } : {}),
      // Every family may publish domain events: they are pushed to the WebSocket clients (infra/realtime.ts).
      ...realtimeEnvironment(),
    },
    link: [...links, ...realtimeLinks],
    nodejs: { install: NATIVE_PACKAGES, esbuild: family === "widget" ? widgetEsbuild() : LAMBDA_ESBUILD },
  });
  for (const [method, path] of FAMILY_ROUTES[family]) api.route(`${method} ${gatewayPath(path)}`, fn.arn);
  for (const path of (PREFLIGHT_ROUTES as Partial<Record<RouteFamily, readonly string[]>>)[family] ?? [])
    api.route(`OPTIONS ${path}`, fn.arn);
}
