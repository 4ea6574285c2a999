/**
 * What each Vue template of packages/web renders, one digest per file: the element tree, attributes, text
 * after Vue's whitespace condensing, and expressions with their whitespace removed. A formatter may re-wrap
 * a template; if a digest changes, it changed what the page shows (scripts/format-all.sh compares them).
 * `tsx scripts/vue-template-digest.ts [--dump] [files…]` (default: every .vue file under packages/web/src).
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { baseParse, NodeTypes, type RootNode, type TemplateChildNode } from "@vue/compiler-core";
import { parserOptions } from "@vue/compiler-dom";
import { parse } from "@vue/compiler-sfc";

const squash = (text: string) => text.replace(/\s+/g, "");

function describe(node: RootNode | TemplateChildNode, out: string[]): void {
  if (node.type === NodeTypes.TEXT) out.push(`text ${JSON.stringify(node.content.replace(/[\t\r\n ]+/g, " "))}`);
  if (node.type === NodeTypes.INTERPOLATION && node.content.type === NodeTypes.SIMPLE_EXPRESSION) {
    out.push(`{{ ${squash(node.content.content)} }}`);
  }
  if (node.type === NodeTypes.ELEMENT) {
    out.push(`<${node.tag}`);
    for (const prop of node.props) {
      if (prop.type === NodeTypes.ATTRIBUTE) out.push(`  ${prop.name}=${JSON.stringify(prop.value?.content ?? null)}`);
      else {
        const arg = prop.arg?.type === NodeTypes.SIMPLE_EXPRESSION ? prop.arg.content : "";
        const exp = prop.exp?.type === NodeTypes.SIMPLE_EXPRESSION ? squash(prop.exp.content) : "";
        out.push(`  v-${prop.name}:${arg}=${exp}`);
      }
    }
  }
  if ("children" in node) for (const child of node.children as TemplateChildNode[]) describe(child, out);
  if (node.type === NodeTypes.ELEMENT) out.push(`</${node.tag}>`);
}

export function templateOutline(source: string, filename: string): string | undefined {
  const { descriptor } = parse(source, { filename });
  if (!descriptor.template) return undefined;
  const out: string[] = [];
  describe(baseParse(descriptor.template.content, { ...parserOptions, whitespace: "condense" }), out);
  return out.join("\n");
}

const args = process.argv.slice(2);
const dump = args.includes("--dump");
const root = path.resolve(import.meta.dirname, "..");
const files = args.filter((a) => a !== "--dump");
const targets = files.length
  ? files
  : readdirSync(path.join(root, "packages/web/src"), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".vue"))
      .map((f) => path.join("packages/web/src", f))
      .sort();
for (const file of targets) {
  const outline = templateOutline(readFileSync(path.resolve(root, file), "utf8"), file);
  if (outline === undefined) continue;
  console.log(
    dump ? `== ${file}\n${outline}` : `${createHash("sha256").update(outline).digest("hex").slice(0, 16)} ${file}`,
  );
}
