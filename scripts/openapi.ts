import { writeFileSync } from "node:fs";
import { FAMILIES } from "@helperiq/api";
import { buildOpenApi } from "@helperiq/api/openapi";

/** `npm run openapi`: regenerates openapi.json from the family apps (tests/api/openapi.test.ts keeps it current). */
export const OPENAPI_FILE = "openapi.json";

export function openApiText(): string {
  return `${JSON.stringify(buildOpenApi(FAMILIES, { title: "HelperIQ API", version: "1.0.0" }), null, 2)}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(OPENAPI_FILE, openApiText());
  console.log(`wrote ${OPENAPI_FILE}`);
}
