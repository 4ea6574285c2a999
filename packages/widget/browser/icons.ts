/**
 * The widget's icons as inline SVG: emoji glyphs depend on the visitor's fonts (Debian's Chromium draws
 * `▯` for 💬 and 📎), SVG draws the same everywhere. They take the text colour (`currentColor`) and are
 * decorative: the button around each one carries the accessible name.
 */
const svg = (body: string, size = 24) =>
  `<svg class="icon" width="${size}" height="${size}" viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${body}</svg>`;

export const ICONS = {
  chat: svg(
    '<path d="M21 11.5a8.4 8.4 0 0 1-9 8.4 9.6 9.6 0 0 1-3.6-.7L3 21l1.8-4.6A8 8 0 0 1 3 11.5 8.4 8.4 0 0 1 12 3a8.4 8.4 0 0 1 9 8.5z"/>',
    28,
  ),
  close: svg('<path d="M18 6 6 18M6 6l12 12"/>'),
  chevronDown: svg('<path d="m6 9 6 6 6-6"/>', 28),
  attach: svg(
    '<path d="m21.4 11.1-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5"/>',
    20,
  ),
  send: svg('<path d="M22 2 11 13M22 2l-7 20-4-9-9-4 20-7z"/>', 20),
  file: svg('<path d="M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8z"/><path d="M14 2v6h6"/>', 18),
} as const;
