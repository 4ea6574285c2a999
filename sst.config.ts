/// <reference path="./.sst/platform/config.d.ts" />

// SST loads this file with its globals ($config, sst, aws, $app, $dev, …) in scope. Resources are declared
// in infra/, one file per resource family, imported inside run() as SST requires.
export default $config({
  app(input) {
    const production = input?.stage === "production";
    return {
      name: "helperiq",
      home: "aws",
      removal: production ? "retain" : "remove",
      protect: production,
    };
  },
  async run() {
    await import("./infra/secrets");
    await import("./infra/database");
    const storage = await import("./infra/storage");
    await import("./infra/ratelimit");
    const realtime = await import("./infra/realtime");
    await import("./infra/queue");
    const api = await import("./infra/api");
    await import("./infra/cron");
    return {
      api: api.api.url,
      media: storage.media.name,
      connections: realtime.connections.name,
      // Where agents (`/ws` equivalent) and widget visitors (`?token=`) open their WebSockets.
      websocket: realtime.realtime.url,
    };
  },
});
