/**
 * The embeddable widget script, baked into the widget Lambda at deploy: infra/api.ts builds it
 * (packages/widget/build.ts) and hands it to esbuild as the `define` of this identifier. In any other
 * bundle (or run from source) it is not defined, and `/widget.js` answers 404 there.
 */
declare const __HQ_WIDGET_SCRIPT__: string | undefined;

export function prebuiltWidgetScript(): (() => Promise<string>) | undefined {
  const script = typeof __HQ_WIDGET_SCRIPT__ === "string" ? __HQ_WIDGET_SCRIPT__ : undefined;
  return script === undefined ? undefined : async () => script;
}
