/**
 * The signature is stored as HTML (paragraphs and line breaks; placeholders such as {{agent.first_name}}
 * are text). The account page edits it as plain text: paragraphs become blank-line separated, <br> a line
 * break. The HTML is parsed inert (DOMParser: no script runs, nothing loads) and only its text is kept.
 */
export function signatureToText(html: string): string {
  if (!html.trim()) return "";
  const doc = new DOMParser().parseFromString(html, "text/html");
  for (const br of doc.body.querySelectorAll("br")) br.replaceWith("\n");
  const blocks = [...doc.body.querySelectorAll("p, div, li, h1, h2, h3, h4, h5, h6, blockquote, pre")].filter(
    (el) => !el.querySelector("p, div, li, h1, h2, h3, h4, h5, h6, blockquote, pre"),
  );
  if (blocks.length === 0) return (doc.body.textContent ?? "").trim();
  return blocks
    .map((el) => (el.textContent ?? "").trim())
    .filter(Boolean)
    .join("\n\n");
}
