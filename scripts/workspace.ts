import { runWorkspaceCli } from "../packages/server/src/cli/workspace.ts";

// `npm run workspace -- <command> …` (docs/workspaces.md): the operator's workspace lifecycle from a shell.
process.exitCode = await runWorkspaceCli(process.argv.slice(2));
