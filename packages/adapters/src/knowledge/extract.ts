import mammoth from "mammoth";
import { extractText, getDocumentProxy } from "unpdf";

/** Text of an uploaded knowledge file by its extension: PDF (unpdf), DOCX (mammoth), plain text and Markdown as is. */
export async function fileText(file: { filename: string; contentType: string; bytes: Uint8Array }): Promise<string> {
  const name = file.filename.toLowerCase();
  if (name.endsWith(".pdf")) {
    try {
      // pdf.js takes ownership of the buffer it is given: hand it a copy.
      const pdf = await getDocumentProxy(new Uint8Array(file.bytes));
      const { text } = await extractText(pdf, { mergePages: false });
      return text.join("\n\n");
    } catch (err) {
      throw new Error(`${file.filename}: not a readable PDF (${(err as Error).message})`);
    }
  }
  if (name.endsWith(".docx")) {
    try {
      const { value } = await mammoth.extractRawText({ buffer: Buffer.from(file.bytes) });
      return value;
    } catch (err) {
      throw new Error(`${file.filename}: not a readable DOCX (${(err as Error).message})`);
    }
  }
  if (name.endsWith(".txt") || name.endsWith(".md")) {
    return new TextDecoder("utf-8", { fatal: false }).decode(file.bytes).replace(/^\uFEFF/, "");
  }
  throw new Error(`${file.filename}: only .pdf, .docx, .txt and .md files can be read`);
}
