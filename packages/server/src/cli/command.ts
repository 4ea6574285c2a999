import type { Clock, Database, Queue } from "@helperiq/core/port/index";
import type { LinkRouting } from "@helperiq/core/tenant/origin";
import type { ServerConfig } from "../config.ts";

/** What every `npm run workspace -- <command>` runs with: the same database and settings `npm start` uses. */
export type CliContext = {
  database: Database;
  clock: Clock;
  config: ServerConfig;
  /** Where mailed links point, as the server computes it. */
  links: LinkRouting;
  /** System mail through SMTP_URL; undefined when mail is not configured (links are then only printed). */
  mail: Queue | undefined;
  /** `cli:<os user>`: the operator as the audit log names them. */
  actor: string;
  /** One line of human output (suppressed under --json). */
  say(line: string): void;
  /**
   * Progress of a long job: `line` to stderr; under --json, `event` (when given) instead, as one JSON line on
   * stdout (the command's result then follows as one line too: CommandResult.jsonLines).
   */
  progress(line: string, event?: Record<string, unknown>): void;
  /** Stdout is a terminal: long jobs are followed unless --no-wait (docs/workspaces.md, CLI). */
  interactive: boolean;
};

/** What a command did: its result for --json, and the HTTP status the same call on the platform API has. */
export type CommandResult = {
  status: number;
  json: unknown;
  workspaceSlug?: string | undefined;
  /** Progress went out as JSON lines: the result is printed as one line, the last. */
  jsonLines?: boolean | undefined;
};

/**
 * One CLI command. `options` are node:util parseArgs options (`--json` and `--help` exist for all);
 * `run` throws an AppError (core/errors) to refuse, like the platform API, and the CLI maps it to an exit code.
 */
export type WorkspaceCommand = {
  name: string;
  /** `create <slug> --name <name> …`: shown by --help. */
  usage: string;
  summary: string;
  options: Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }>;
  run(
    ctx: CliContext,
    args: { positionals: string[]; values: Record<string, string | boolean | (string | boolean)[] | undefined> },
  ): Promise<CommandResult>;
};
