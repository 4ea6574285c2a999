import { build, buildSync, type BuildOptions } from "esbuild";
import { fileURLToPath } from "node:url";

/**
 * Bundles the embeddable widget (packages/widget/browser/widget.ts) into one minified IIFE: embedded, the
 * server builds it on the first `GET /widget.js` (packages/server); in the cloud, infra/api.ts builds it at
 * deploy and bakes the text into the widget Lambda (esbuild `define`, read by functions/widget-script.ts).
 */

/** The script's source. A function: SST loads infra/ where `import.meta.url` may not be set (it passes a path). */
export const widgetEntry = () => fileURLToPath(new URL("./browser/widget.ts", import.meta.url));

const OPTIONS = {
  bundle: true,
  minify: true,
  format: "iife",
  platform: "browser",
  // Evergreen browsers of the last few years: shadow DOM, fetch, WebSocket, optional chaining.
  target: ["chrome90", "firefox90", "safari14", "edge90"],
  legalComments: "none",
  write: false,
} satisfies BuildOptions;

export async function buildWidgetScript(entry = widgetEntry()): Promise<string> {
  const result = await build({ ...OPTIONS, entryPoints: [entry] });
  return result.outputFiles[0]!.text;
}

export function buildWidgetScriptSync(entry = widgetEntry()): string {
  return buildSync({ ...OPTIONS, entryPoints: [entry] }).outputFiles[0]!.text;
}

/** Builds once, on first use; a failed build is retried by the next caller. */
export function lazyWidgetScript(entry?: string): () => Promise<string> {
  let built: Promise<string> | undefined;
  return () => {
    built ??= buildWidgetScript(entry).catch((err: unknown) => {
      built = undefined;
      throw err;
    });
    return built;
  };
}
