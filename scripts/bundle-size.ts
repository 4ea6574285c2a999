/**
 * Bundles every Lambda entry under functions/ the way SST deploys it (esbuild, minified ESM for Node 22)
 * and reports the sizes: `npm run bundle:size`. Writes bench/results/bundle-sizes.json. Fails when an
 * HTTP bundle pulls in PGlite, which belongs to the embedded server only.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { build, type Metafile } from "esbuild";

const ROOT = path.resolve(import.meta.dirname, "..");
const FUNCTIONS = path.join(ROOT, "functions");
const RESULTS = path.join(ROOT, "bench/results/bundle-sizes.json");

// The Lambda runtime provides the AWS SDK (infra/lambda.ts LAMBDA_ESBUILD leaves it out); the native argon2
// addon is installed next to the bundle (infra/lambda.ts NATIVE_PACKAGES), so neither counts here.
const EXTERNAL = ["@aws-sdk/*", "@node-rs/argon2"];
// What SST prepends to ESM bundles so that bundled CommonJS can still `require` Node built-ins.
const BANNER = `import { createRequire as topLevelCreateRequire } from "module"; const require = topLevelCreateRequire(import.meta.url);`;
const FORBIDDEN = ["@electric-sql/pglite"];

/** Entries are the files exporting a handler: functions/{http,cron,queue}/*.ts and functions/migrate.ts. */
function entries(): Array<{ name: string; file: string }> {
  const inDir = (dir: string, prefix: string) =>
    readdirSync(path.join(FUNCTIONS, dir))
      .filter((f) => f.endsWith(".ts"))
      .map((f) => ({ name: `${prefix}${path.basename(f, ".ts")}`, file: path.join(FUNCTIONS, dir, f) }));
  return [
    ...inDir("http", ""),
    ...inDir("cron", "cron/"),
    ...inDir("queue", "queue/"),
    { name: "migrate", file: path.join(FUNCTIONS, "migrate.ts") },
  ];
}

/** The largest packages in a bundle, by bytes they contribute to the output. */
function topPackages(meta: Metafile, count: number): string {
  const byPackage = new Map<string, number>();
  for (const output of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const name = match
        ? match[1]!
        : input.startsWith("packages/")
          ? input.split("/").slice(0, 2).join("/")
          : "functions";
      byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...byPackage.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, bytes]) => `${name} ${kb(bytes)}`)
    .join(", ");
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

async function main() {
  const outdir = mkdtempSync(path.join(tmpdir(), "helperiq-bundles-"));
  const sizes: Record<string, number> = {};
  const offenders: string[] = [];
  try {
    for (const { name, file } of entries()) {
      const outfile = path.join(outdir, `${name}.mjs`);
      const { metafile } = await build({
        entryPoints: [file],
        outfile,
        bundle: true,
        minify: true,
        platform: "node",
        target: "node22",
        format: "esm",
        external: EXTERNAL,
        banner: { js: BANNER },
        metafile: true,
        logLevel: "error",
        absWorkingDir: ROOT,
      });
      sizes[name] = statSync(outfile).size;
      const inputs = Object.keys(metafile.inputs);
      if (inputs.some((input) => FORBIDDEN.some((pkg) => input.includes(`node_modules/${pkg}`)))) offenders.push(name);
      console.log(`${name.padEnd(24)} ${kb(sizes[name]).padStart(8)}   ${topPackages(metafile, 4)}`);
    }
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
  mkdirSync(path.dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(sizes, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(ROOT, RESULTS)}`);
  if (offenders.length) {
    console.error(`PGlite is bundled into: ${offenders.join(", ")} (import @helperiq/adapters/db/neon, not db/open)`);
    process.exitCode = 1;
  }
}

await main();
