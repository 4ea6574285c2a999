import type { WorkspaceCommand } from "../command.ts";
import { createCommand } from "./create.ts";
import { exportCommand } from "./export.ts";
import { deleteCommand, resumeCommand, suspendCommand } from "./lifecycle.ts";
import { listCommand, showCommand } from "./list.ts";

/**
 * Every `npm run workspace -- <command>`, in the order --help lists them. A new command is a file of this
 * folder exporting a WorkspaceCommand, and one line here.
 */
export const WORKSPACE_COMMANDS: readonly WorkspaceCommand[] = [
  createCommand,
  listCommand,
  showCommand,
  suspendCommand,
  resumeCommand,
  deleteCommand,
  exportCommand,
];
