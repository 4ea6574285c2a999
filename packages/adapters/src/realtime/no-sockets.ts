import type { WorkspaceSockets } from "@helperiq/core/port/index";

/**
 * The WebSockets of a process that serves none: the CLI on the embedded database (it holds DATA_DIR's lock,
 * so no server runs beside it), an app composed without a server (suites, benchmarks). Servers sharing a
 * PostgreSQL with the CLI close their own sockets of a suspended workspace in their keep-alive sweep.
 */
export const noSockets: WorkspaceSockets = { closeWorkspace: async () => 0 };
