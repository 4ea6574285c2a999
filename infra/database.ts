import path from "node:path";
import { databaseEnvironment, NODE_RUNTIME } from "./lambda";

// The database itself is Neon, outside AWS (its URL is the DatabaseUrl secret). What lives here is the
// migrator: a function shipped with the SQL migrations and invoked on every deploy.

export const migrator = new sst.aws.Function("Migrator", {
  handler: "functions/migrate.handler",
  runtime: NODE_RUNTIME,
  timeout: "5 minutes",
  copyFiles: [{ from: "packages/core/migrations", to: "migrations" }],
  environment: {
    ...databaseEnvironment(),
    // In Lambda the package root is /var/task; `sst dev` runs the handler on this machine.
    MIGRATIONS_DIR: $dev ? path.resolve("packages/core/migrations") : "/var/task/migrations",
  },
});

if (!$dev) {
  // A new input on every deploy makes Pulumi invoke the migrator each time; it is a no-op when up to date.
  new aws.lambda.Invocation("MigrateOnDeploy", {
    functionName: migrator.name,
    input: JSON.stringify({ deployedAt: new Date().toISOString() }),
  });
}
