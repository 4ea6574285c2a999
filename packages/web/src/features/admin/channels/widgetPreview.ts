/**
 * Runs the real widget (`GET /widget.js`, packages/widget) on this page, as a customer's site would.
 *
 * Why a script and not an iframe: the app's policy (packages/web/serving.ts) is `frame-src 'none'` and its
 * pages refuse being framed, while `script-src 'self'` admits a script element whose src is this origin's
 * /widget.js. The widget reads its inbox from its own tag (`data-inbox`, through document.currentScript, which
 * a script inserted this way has), puts its launcher and panel in a shadow root (our styles and its own do
 * not mix) and fetches the inbox's SAVED settings from the widget API: the preview shows what visitors see
 * after a save. It is one per page (`window.HelperIQ`), so showing another inbox or new settings means tearing
 * it down (close, remove its element, forget the global) and inserting the script again.
 */
type WidgetApi = { open(): void; close(): void };
type WidgetWindow = Window & { HelperIQ?: WidgetApi };

const HOST_ID = "helperiq-widget";
const SCRIPT_ID = "helperiq-widget-preview";

export function widgetApi(): WidgetApi | undefined {
  return (window as WidgetWindow).HelperIQ;
}

export function startWidget(inboxUuid: string): void {
  stopWidget();
  const script = document.createElement("script");
  script.id = SCRIPT_ID;
  script.src = "/widget.js";
  script.async = true;
  script.dataset.inbox = inboxUuid;
  document.body.append(script);
}

/**
 * Removes the widget. Its socket and poll (only running once a chat was started here) end with the page; the
 * next start makes a fresh one.
 */
export function stopWidget(): void {
  widgetApi()?.close();
  document.getElementById(HOST_ID)?.remove();
  document.getElementById(SCRIPT_ID)?.remove();
  delete (window as WidgetWindow).HelperIQ;
}

/** The widget's element once it has loaded its settings (`data-ready`), if it has. */
export function widgetReady(): boolean {
  return document.getElementById(HOST_ID)?.dataset.ready === "true";
}

/**
 * Whether the server would let the widget run on this page: the inbox's allowed domains as the widget API
 * matches them (core/widget/origin.ts; empty or `*` = anywhere). The server decides; this only avoids starting
 * a preview it would refuse, and says why instead.
 */
export function pageAllowed(allowedDomains: readonly string[], page = location): boolean {
  const entries = allowedDomains.map((d) => d.trim().toLowerCase()).filter(Boolean);
  if (entries.length === 0 || entries.includes("*")) return true;
  return entries.some((entry) => {
    const target = entry.includes(":") ? page.host.toLowerCase() : page.hostname.toLowerCase();
    if (entry.startsWith("*.")) return target.endsWith(entry.slice(1)) && target.length > entry.length - 1;
    return target === entry;
  });
}

/** The tag a site pastes to run the widget of inbox `uuid` served from `origin` (widget.ts reads `data-inbox`). */
export function embedSnippet(origin: string, uuid: string): string {
  return `<script src="${origin}/widget.js" data-inbox="${uuid}" async></script>`;
}
