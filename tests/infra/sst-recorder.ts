import path from "node:path";
import { pathToFileURL } from "node:url";

/**
 * Runs sst.config.ts with SST's globals replaced by recorders (no AWS, no Pulumi): every component it
 * declares is recorded with its name and args; outputs read as `<type>:<name>.<prop>` strings.
 */

export const ROOT = path.resolve(import.meta.dirname, "../..");

export type Resource = {
  type: string;
  name: string;
  args: any;
  routes: Array<{ route: string; target: unknown }>;
  subscribers: Array<{ subscriber: any; args: any }>;
};

export type RecordedConfig = {
  resources: Resource[];
  outputs: Record<string, unknown>;
  byType(type: string): Resource[];
};

const SST_GLOBALS = ["$config", "sst", "aws", "$app", "$dev", "$interpolate", "$resolve", "$output", "$util"] as const;

/** A constructor for any SST or Pulumi component: records its name and args; outputs are readable strings. */
function recorder(type: string, resources: Resource[]) {
  return class {
    readonly record: Resource;
    constructor(name: string, args?: unknown) {
      this.record = { type, name, args: args ?? {}, routes: [], subscribers: [] };
      resources.push(this.record);
      // biome-ignore lint/correctness/noConstructorReturn: an SST output is any property of the component, so the instance is a Proxy that answers them all
      return new Proxy(this, {
        get: (target, prop) =>
          prop in target || typeof prop === "symbol" ? Reflect.get(target, prop) : `${type}:${name}.${prop}`,
      });
    }
    route(route: string, target: unknown) {
      this.record.routes.push({ route, target });
    }
    subscribe(subscriber: unknown, args?: unknown) {
      this.record.subscribers.push({ subscriber, args: args ?? {} });
    }
  };
}

/** `sst.aws.Function`, `aws.lambda.Invocation`, …: capitalised members are components, others namespaces. */
function namespace(prefix: string, resources: Resource[]): unknown {
  return new Proxy(
    {},
    {
      get: (_, prop: string) =>
        /^[A-Z]/.test(prop) ? recorder(`${prefix}.${prop}`, resources) : namespace(`${prefix}.${prop}`, resources),
    },
  );
}

/** Records what sst.config.ts declares. Modules are cached: a test file calls this once. */
export async function recordSstConfig(): Promise<RecordedConfig> {
  const resources: Resource[] = [];
  const g = globalThis as Record<string, unknown>;
  Object.assign(g, {
    $config: (config: unknown) => config,
    sst: namespace("sst", resources),
    aws: namespace("aws", resources),
    $app: { name: "helperiq", stage: "test", removal: "remove", protect: false },
    $dev: false,
    $interpolate: (parts: TemplateStringsArray, ...values: unknown[]) => String.raw(parts, ...values),
    $resolve: (values: unknown) => values,
    $output: (value: unknown) => value,
    // Deployed files (infra/web.ts) are Pulumi file assets: recorded by path.
    $util: {
      asset: {
        FileAsset: class FileAsset {
          constructor(readonly path: string) {}
        },
      },
    },
  });
  try {
    // Not a static import: the root tsconfig must not type-check sst.config.ts without SST's typings.
    const { default: config } = await import(pathToFileURL(path.join(ROOT, "sst.config.ts")).href);
    const outputs = await config.run();
    return { resources, outputs, byType: (type) => resources.filter((r) => r.type === type) };
  } finally {
    for (const name of SST_GLOBALS) delete g[name];
  }
}
