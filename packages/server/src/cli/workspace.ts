import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { openDatabase } from "@helperiq/adapters/db/open";
import { createSmtpMailer } from "@helperiq/adapters/mail/smtp";
import { describeError } from "@helperiq/core/errors/describe";
import { AppError } from "@helperiq/core/errors/index";
import { recordPlatformAudit } from "@helperiq/core/operator-audit/audit";
import { type Database, type Queue, systemClock } from "@helperiq/core/port/index";
import { loadConfig, type ServerConfig } from "../config.ts";
import { DataDirInUse, type DataDirLock, lockDataDir } from "../data-dir-lock.ts";
import type { CliContext, WorkspaceCommand } from "./command.ts";
import { WORKSPACE_COMMANDS } from "./commands/index.ts";

/**
 * Exit codes: 0 done; 1 refused (bad input, no such workspace, a taken slug: the API's 4xx); 2 not understood
 * (unknown command or option); 3 the database could not be used (the embedded server holds it, or it is
 * unreachable or misconfigured).
 */
export const EXIT = { ok: 0, refused: 1, usage: 2, unavailable: 3 } as const;

export type CliIo = { out(line: string): void; err(line: string): void };

const consoleIo: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

/**
 * `npm run workspace -- <command> [args] [--json]`: the operator's workspace lifecycle on the same database and
 * settings `npm start` uses (DATA_DIR's PGlite, or DATABASE_URL). Every call is written to the operator audit
 * log as `cli:<os user>`. Returns the exit code.
 */
export async function runWorkspaceCli(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  io: CliIo = consoleIo,
  options: {
    commands?: readonly WorkspaceCommand[] | undefined;
    /** An open database to use (and leave open) instead of opening config's: suites running many commands. */
    database?: Database | undefined;
    /** Whether stdout is a terminal (default: process.stdout.isTTY). */
    interactive?: boolean | undefined;
  } = {},
): Promise<number> {
  const commands = options.commands ?? WORKSPACE_COMMANDS;
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    for (const line of usage(commands)) io.out(line);
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`Unknown command "${name}". Commands: ${commands.map((c) => c.name).join(", ")} (--help for usage).`);
    return EXIT.usage;
  }
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs({
      args: rest,
      options: { ...command.options, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    io.err(`${(err as Error).message}\nusage: npm run workspace -- ${command.usage}`);
    return EXIT.usage;
  }
  if (args.values.help) {
    io.out(`usage: npm run workspace -- ${command.usage} [--json]`);
    io.out(`  ${command.summary}`);
    return EXIT.ok;
  }
  const json = args.values.json === true;
  let config: ServerConfig;
  try {
    config = loadConfig(env);
  } catch (err) {
    io.err((err as Error).message);
    return EXIT.unavailable;
  }
  const opened = options.database ? { database: options.database, lock: undefined } : await openForCli(config, io);
  if (typeof opened === "number") return opened;
  const { database, lock } = opened;
  const smtp = config.SMTP_URL ? createSmtpMailer({ url: config.SMTP_URL, from: config.MAIL_FROM }) : undefined;
  // No queue worker runs here: system mail leaves at once, as the worker would send it.
  const mail: Queue | undefined = smtp && {
    send: async (message) => {
      if (message.type === "mail.send") await smtp.send(message.mail);
    },
  };
  const ctx: CliContext = {
    database,
    clock: systemClock,
    config,
    links: {
      rootUrl: config.rootUrl,
      defaultSlug: config.DEFAULT_TENANT || undefined,
      baseDomain: config.BASE_DOMAIN,
      // As the server decides it (start.ts): cookies, and so links, are Secure unless ROOT_URL is plain http.
      secureCookies: config.rootUrl.startsWith("https://"),
    },
    mail,
    actor: `cli:${osUser()}`,
    say: (line) => {
      if (!json) io.out(line);
    },
    progress: (line, event) => {
      if (json && event) io.out(JSON.stringify({ type: "progress", ...event }));
      else io.err(line);
    },
    interactive: options.interactive ?? process.stdout.isTTY === true,
  };
  const action = `workspace ${command.name}`;
  const slugArg = args.positionals[0];
  try {
    const result = await command.run(ctx, { positionals: args.positionals, values: args.values });
    await audit(ctx, action, result.workspaceSlug ?? slugArg, result.status, {});
    if (json) io.out(result.jsonLines ? JSON.stringify(result.json) : JSON.stringify(result.json, null, 2));
    return EXIT.ok;
  } catch (err) {
    const known = err instanceof AppError;
    await audit(ctx, action, slugArg, known ? err.status : 500, { error: known ? err.message : "unexpected error" });
    if (json)
      io.out(
        JSON.stringify(
          { error: { type: known ? err.type : "GeneralError", message: known ? err.message : describeError(err) } },
          null,
          2,
        ),
      );
    io.err(known ? err.message : `Unexpected error: ${describeError(err)}`);
    return known && err.status < 500 ? EXIT.refused : EXIT.unavailable;
  } finally {
    smtp?.close();
    if (!options.database) await database.close();
    lock?.release();
  }
}

/**
 * The database of `npm start`. Embedded (no DATABASE_URL), PGlite has one writer: the CLI takes DATA_DIR's lock
 * like a server, so while the server runs it stops at once, saying so (use the platform API then, or stop the
 * server). Against DATABASE_URL there is no lock: the CLI works beside running servers, which see its changes
 * on their next request.
 */
async function openForCli(
  config: ServerConfig,
  io: CliIo,
): Promise<{ database: Database; lock: DataDirLock | undefined } | number> {
  let lock: DataDirLock | undefined;
  try {
    lock = config.DATABASE_URL ? undefined : lockDataDir(config.DATA_DIR);
  } catch (err) {
    if (!(err instanceof DataDirInUse)) throw err;
    io.err(
      `${err.message}.\nThe embedded database has one writer: stop the server and run this again, or, while it runs, use the platform API (PLATFORM_API_KEY; docs/workspaces.md).`,
    );
    return EXIT.unavailable;
  }
  try {
    const database = await openDatabase({
      databaseUrl: config.DATABASE_URL,
      driver: config.DATABASE_DRIVER,
      dataDir: config.DATA_DIR,
    });
    // A data directory no server ever started is set up as the server would (migrations are idempotent).
    await database.migrate();
    return { database, lock };
  } catch (err) {
    lock?.release();
    io.err(`The database could not be opened: ${describeError(err)}`);
    return EXIT.unavailable;
  }
}

async function audit(
  ctx: CliContext,
  action: string,
  workspaceSlug: string | undefined,
  status: number,
  detail: Record<string, unknown>,
) {
  try {
    await recordPlatformAudit(ctx.database.db, { actor: ctx.actor, action, workspaceSlug, status, detail });
  } catch (err) {
    ctx.progress(`warning: the operator audit log could not be written: ${describeError(err)}`);
  }
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? "unknown";
  }
}

function usage(commands: readonly WorkspaceCommand[]): string[] {
  return [
    "usage: npm run workspace -- <command> [arguments] [--json]",
    "",
    ...commands.flatMap((c) => [`  ${c.usage}`, `      ${c.summary}`]),
    "",
    "Uses the database `npm start` uses: DATA_DIR's embedded PGlite (stop the server first), or DATABASE_URL.",
    "Exit codes: 0 done, 1 refused, 2 usage error, 3 database unavailable (or in use by the server).",
  ];
}
