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
    // The agent web app is deployed from its build (infra/web.ts); this builds it when its sources changed.
    const { ensureWebBuild } = await import("./packages/web/build");
    await ensureWebBuild({ log: console.log });
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
      // The agent web app, with the API on the same origin: what agents open and ROOT_URL defaults to.
      web: api.web.url,
      media: storage.media.name,
      connections: realtime.connections.name,
      // Where agents (`/ws` equivalent) and widget visitors (`?token=`) open their WebSockets.
      websocket: realtime.realtime.url,
    };
  },
});
