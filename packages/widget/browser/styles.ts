/**
 * The widget's stylesheet, applied inside its shadow root only (the page's CSS cannot reach in, ours cannot
 * leak out). Adopted as a constructable stylesheet: pages with a strict Content-Security-Policy
 * (`style-src 'self'`, the agent app's admin preview among them) refuse an inline <style>, not adopted
 * sheets. Nothing in the widget's markup carries a `style` attribute for the same reason; the inbox's colours
 * and spacing reach it as custom properties set through the CSSOM on the host element.
 *
 * `--hq-color` is the inbox's brand colour, `--hq-on` the text colour readable on it (widget.ts picks it).
 */
const CSS = `
:host { all: initial; }
[hidden] { display: none !important; }
* { box-sizing: border-box; }
.frame { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111827; }
button { font: inherit; cursor: pointer; }
:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
.icon { display: block; flex: none; }
.sr { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }

.launcher { position: fixed; bottom: var(--hq-bottom, 20px); right: var(--hq-side, 20px); width: 56px; height: 56px;
  border-radius: 50%; border: 0; padding: 0; display: grid; place-items: center; background: var(--hq-color, #2563eb);
  color: var(--hq-on, #fff); box-shadow: 0 4px 14px rgba(0,0,0,.25); z-index: 2147483000;
  transition: transform .15s ease; }
.launcher:hover { transform: scale(1.05); }
.launcher:focus-visible { outline-color: #111827; box-shadow: 0 0 0 3px #fff, 0 4px 14px rgba(0,0,0,.25); }
.launcher img { width: 32px; height: 32px; object-fit: contain; }
.badge { position: absolute; top: -3px; right: -3px; min-width: 20px; height: 20px; padding: 0 5px; border-radius: 10px;
  background: #b91c1c; color: #fff; font: 700 12px/20px system-ui, sans-serif; text-align: center; box-shadow: 0 0 0 2px #fff; }

.panel { position: fixed; bottom: calc(var(--hq-bottom, 20px) + 68px); right: var(--hq-side, 20px); width: 370px;
  max-width: calc(100vw - 32px); height: 560px; max-height: calc(100vh - 110px); display: flex; flex-direction: column;
  background: #fff; border-radius: 14px; box-shadow: 0 12px 40px rgba(0,0,0,.28); overflow: hidden; z-index: 2147483000;
  animation: hq-in .18s ease-out; }
.left .launcher, .left .panel { right: auto; left: var(--hq-side, 20px); }
@keyframes hq-in { from { opacity: 0; transform: translateY(12px); } to { opacity: 1; transform: none; } }

header { display: flex; align-items: center; gap: 10px; padding: 14px 12px 14px 16px; background: var(--hq-color, #2563eb);
  color: var(--hq-on, #fff); }
.logo { width: 36px; height: 36px; border-radius: 8px; object-fit: cover; background: #fff; flex: none; }
.heading { flex: 1; min-width: 0; }
h2 { margin: 0; font-size: 16px; font-weight: 650; line-height: 1.25; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.intro { margin: 2px 0 0; font-size: 12.5px; }
.intro:empty { display: none; }
.close { border: 0; background: transparent; color: inherit; width: 36px; height: 36px; border-radius: 8px; display: grid;
  place-items: center; padding: 0; flex: none; }
.close:hover { background: rgba(127,127,127,.25); }
header :focus-visible { outline-color: currentColor; }

.scroll { flex: 1; overflow-y: auto; padding: 14px; display: flex; flex-direction: column; gap: 10px; background: #f9fafb; }
.greeting { align-self: flex-start; max-width: 85%; padding: 9px 12px; border-radius: 12px 12px 12px 4px; background: #fff;
  border: 1px solid #e5e7eb; white-space: pre-wrap; }
.greeting:empty { display: none; }
.messages { display: flex; flex-direction: column; gap: 10px; }
.row { display: flex; align-items: flex-end; gap: 8px; }
.row.incoming { justify-content: flex-end; }
.avatar { width: 28px; height: 28px; border-radius: 50%; flex: none; display: grid; place-items: center; overflow: hidden;
  background: #e5e7eb; color: #374151; font: 600 11px/1 system-ui, sans-serif; }
.avatar img { width: 100%; height: 100%; object-fit: cover; }
.msg { max-width: 78%; padding: 8px 11px; border-radius: 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
.msg.incoming { background: var(--hq-color, #2563eb); color: var(--hq-on, #fff); border-bottom-right-radius: 4px; }
.msg.outgoing { background: #fff; border: 1px solid #e5e7eb; border-bottom-left-radius: 4px; }
.who { display: block; font-size: 12px; font-weight: 600; color: #4b5563; margin-bottom: 2px; }
.files { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }
.files:empty { display: none; }
.msg a { color: inherit; }
.thumb { display: block; border-radius: 8px; overflow: hidden; line-height: 0; }
.thumb img { display: block; max-width: 200px; max-height: 150px; object-fit: cover; background: #e5e7eb; }
.chip { display: inline-flex; align-items: center; gap: 6px; max-width: 220px; padding: 5px 9px; border-radius: 8px;
  text-decoration: none; border: 1px solid currentColor; font-size: 13px; }
.chip span { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.chip small { flex: none; font-size: 12px; }
.msg.incoming .chip { border-color: rgba(255,255,255,.6); }
.msg.incoming :focus-visible { outline-color: var(--hq-on, #fff); }

.typing { display: flex; align-items: center; gap: 8px; padding: 4px 16px 6px; font-size: 12.5px; color: #4b5563; min-height: 26px;
  background: #f9fafb; }
.dots { display: inline-flex; gap: 3px; }
.dots i { width: 6px; height: 6px; border-radius: 50%; background: #6b7280; animation: hq-dot 1.2s infinite ease-in-out; }
.dots i:nth-child(2) { animation-delay: .15s; }
.dots i:nth-child(3) { animation-delay: .3s; }
@keyframes hq-dot { 0%, 80%, 100% { opacity: .3; transform: translateY(0); } 40% { opacity: 1; transform: translateY(-3px); } }
.error { padding: 6px 16px; font-size: 13px; color: #b91c1c; background: #fef2f2; }
.error:empty { display: none; }

.prechat { display: flex; flex-direction: column; gap: 10px; padding: 14px 16px; border-top: 1px solid #e5e7eb; overflow-y: auto; max-height: 60%; }
.prechat h3 { margin: 0; font-size: 14px; font-weight: 600; }
.field { display: flex; flex-direction: column; gap: 3px; }
.field label { font-size: 13px; font-weight: 550; color: #374151; }
.field.check { flex-direction: row; align-items: center; gap: 8px; }
.req { color: #b91c1c; }
.field input:not([type=checkbox]), .field select, .field textarea { border: 1px solid #9ca3af; border-radius: 8px; padding: 7px 9px;
  font: inherit; color: inherit; background: #fff; width: 100%; }
.field textarea { resize: vertical; min-height: 60px; }
.field [aria-invalid=true] { border-color: #b91c1c; }
.field-error { font-size: 12.5px; color: #b91c1c; }
.field-error:empty { display: none; }
.primary { border: 0; border-radius: 8px; background: var(--hq-color, #2563eb); color: var(--hq-on, #fff); padding: 9px 14px; font-weight: 600; }

.composer { display: flex; gap: 6px; border-top: 1px solid #e5e7eb; padding: 8px; align-items: flex-end; background: #fff; }
.composer textarea { flex: 1; resize: none; border: 1px solid #9ca3af; border-radius: 10px; padding: 8px 10px; font: inherit;
  color: inherit; height: 40px; max-height: 120px; }
.tool { border: 0; border-radius: 10px; width: 40px; height: 40px; padding: 0; display: grid; place-items: center; flex: none; }
.tool.attach { background: #f3f4f6; color: #374151; }
.tool.attach:hover { background: #e5e7eb; }
.tool.send { background: var(--hq-color, #2563eb); color: var(--hq-on, #fff); }
button:disabled { opacity: .55; cursor: default; }

@media (max-width: 480px) {
  .panel { inset: 0; width: auto; max-width: none; height: auto; max-height: none; border-radius: 0; }
  .left .panel { left: 0; right: 0; }
}
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { animation: none !important; transition: none !important; }
}
`;

/** Puts the stylesheet into `root`: adopted where the browser can, else as a <style> child (older Safari). */
export function applyStyles(root: ShadowRoot): void {
  if ("adoptedStyleSheets" in root && "replaceSync" in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
    return;
  }
  const style = document.createElement("style");
  style.textContent = CSS;
  root.prepend(style);
}
