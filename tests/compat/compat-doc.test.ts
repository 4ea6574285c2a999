import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { COMPAT_FILE, compatTableText } from "../../scripts/compat-table.ts";
import { CATALOGUE } from "./catalogue.ts";

describe("docs/compat.md", () => {
  it("is what `npm run compat:table` renders from the catalogue (run it after changing tests/compat/catalogue.ts)", () => {
    expect(readFileSync(COMPAT_FILE, "utf8")).toBe(compatTableText());
  });

  it("lists every catalogued call with its status", () => {
    const doc = compatTableText();
    for (const call of CATALOGUE) expect(doc).toContain(`| ${call.method} | \`${call.path.replace(/\|/g, "\\|")}\` |`);
    const pending = CATALOGUE.find((c) => c.status.kind === "pending");
    if (pending && pending.status.kind === "pending")
      expect(doc).toContain(pending.status.observed.replace(/\|/g, "\\|"));
    expect(doc).toMatch(new RegExp(`\\*\\*${CATALOGUE.length} calls\\*\\*`));
  });
});
