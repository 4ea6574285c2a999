import { loadConfig } from "./config.ts";
import { startServer } from "./start.ts";
import { ensureWebBuild } from "../../web/build.ts";

const started = Date.now();
// The agent web app is built here when missing or stale (a fresh clone, a pull): see packages/web/build.ts.
// A failed build leaves the API up; the app's pages then say how to build it.
await ensureWebBuild({ log: console.log }).catch((err: Error) =>
  console.error(`The web app could not be built: ${err.message}`),
);
const server = await startServer(loadConfig()).catch((err: Error) => {
  console.error(`HelperIQ failed to start: ${err.message}`);
  process.exit(1);
});
console.log(
  `HelperIQ listening on ${server.url} (database: ${server.database.dialect}, ready in ${Date.now() - started} ms)`,
);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    // PGlite keeps the process alive and must be closed cleanly to keep its data directory consistent.
    server.close().then(
      () => process.exit(0),
      (err: Error) => {
        console.error(`error while stopping: ${err.message}`);
        process.exit(1);
      },
    );
  });
}
