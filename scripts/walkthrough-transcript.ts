import { spawn } from "node:child_process";
import { request as httpRequest } from "node:http";

/**
 * The readable record of a walk-through (scripts/walkthrough-workspaces.ts): Markdown with one heading per step
 * and a console block holding each command as `$ …`, its output trimmed, and `# …` remarks. Every line is
 * echoed as it is written, so a run shows its progress and a failed run shows how far it got.
 */
export class Transcript {
  private readonly lines: string[] = [];
  private inBlock = false;

  constructor(private readonly echo: (line: string) => void) {}

  /** A new step: closes the open console block, writes the heading and an optional paragraph. */
  heading(title: string, paragraph?: string) {
    this.close();
    this.write("", `## ${title}`);
    if (paragraph) this.write("", paragraph);
  }

  /** Free text outside any console block (the introduction, the closing lines). */
  paragraph(text: string) {
    this.close();
    this.write("", text);
  }

  command(line: string) {
    this.open();
    this.write(`$ ${line}`);
  }

  remark(text: string) {
    this.open();
    for (const line of text.split("\n")) this.write(`# ${line}`);
  }

  /** Output, trimmed: long lines are cut at `width` characters, and past `maxLines` the rest is counted. */
  output(text: string, { maxLines = 30, width = 160 }: { maxLines?: number; width?: number } = {}) {
    this.open();
    const all = text.replace(/\s+$/, "").split("\n");
    const shown = all.length > maxLines ? all.slice(0, maxLines - 1) : all;
    for (const line of shown) this.write(line.length > width ? `${line.slice(0, width - 1)}…` : line);
    if (shown.length < all.length) this.write(`… (${all.length - shown.length} more lines)`);
  }

  markdown(): string {
    this.close();
    return `${this.lines.join("\n").trimStart()}\n`;
  }

  private open() {
    if (this.inBlock) return;
    this.write("", "```console");
    this.inBlock = true;
  }

  private close() {
    if (!this.inBlock) return;
    this.write("```");
    this.inBlock = false;
  }

  private write(...lines: string[]) {
    for (const line of lines) {
      this.lines.push(line);
      this.echo(line);
    }
  }
}

export type HttpAnswer = { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer };

/**
 * One HTTP request to a server on 127.0.0.1:`port`, whatever host `url` names: the Host header carries the URL's
 * host, as `curl --connect-to ::127.0.0.1:` sends it. (fetch cannot: it sets Host from the URL it connects to.)
 */
export function loopbackRequest(
  port: number,
  method: string,
  url: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<HttpAnswer> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port,
        method,
        path: `${target.pathname}${target.search}`,
        headers: {
          host: target.host,
          ...headers,
          ...(body === undefined ? {} : { "content-length": String(Buffer.byteLength(body)) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on("error", reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${url}: no answer in 30 s`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** `output`: both streams as they arrived, interleaved, as a terminal shows them. */
export type ProcessResult = { code: number; stdout: string; stderr: string; output: string };

/**
 * Runs a command to its end without blocking this process's event loop (the walk-through's SMTP peer must keep
 * answering the child), capturing both streams.
 */
export function runProcess(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      output += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
      output += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, output }));
  });
}

/** An argument as a POSIX shell would need it written (for the `$ …` lines, which can be pasted). */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
