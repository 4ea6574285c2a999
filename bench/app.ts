import { createAiClients } from "@helperiq/adapters/ai/index";
import { createFilesystemBlobStore } from "@helperiq/adapters/blob/filesystem";
import { createNodeDnsResolver } from "@helperiq/adapters/dns/node-resolver";
import { createMahoEcommerce } from "@helperiq/adapters/ecommerce/maho";
import { createEventBus } from "@helperiq/adapters/events/bus";
import { noSockets } from "@helperiq/adapters/realtime/no-sockets";
import { createMailProbe } from "@helperiq/adapters/mail/probe";
import { createOutboundGuard } from "@helperiq/adapters/net/outbound-guard";
import { createMemoryQueue } from "@helperiq/adapters/queue/memory";
import { createMemoryRateCounter } from "@helperiq/adapters/ratelimit/memory";
import { createApp, FAMILIES } from "@helperiq/api";
import { generateKeyringSpec, parseKeyring } from "@helperiq/core/crypto/secret-box";
import { systemClock, type Database } from "@helperiq/core/port/index";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The whole API in process on `database`, for benchmarks that measure the HTTP stack without a network:
 * hosts `<slug>.bench.test`, rate limits out of the way, background work dropped.
 */
export function benchApp(database: Database) {
  return createApp(
    {
      database,
      clock: systemClock,
      queue: createMemoryQueue(
        async () => {},
        async () => {},
      ),
      rateCounter: createMemoryRateCounter(),
      events: createEventBus(),
      sockets: noSockets,
      secrets: parseKeyring(generateKeyringSpec()),
      ecommerce: createMahoEcommerce({ clock: systemClock, guard: createOutboundGuard() }),
      ai: createAiClients(),
      mailProbe: createMailProbe({ guard: createOutboundGuard() }),
      outbound: createOutboundGuard(),
      dns: createNodeDnsResolver(),
      blobs: createFilesystemBlobStore(mkdtempSync(join(tmpdir(), "hq-bench-media-"))),
      remoteAddress: () => "127.0.0.1",
      config: {
        appName: "HelperIQ",
        secureCookies: false,
        trustForwardedHost: false,
        authRateLimit: 1_000_000,
        accountRateLimit: 1_000_000,
        widgetRateLimit: 1_000_000,
        google: { clientIds: [], jwksUrl: "http://127.0.0.1:1/unused" },
        tenantRouting: { baseDomain: "bench.test" },
      },
    },
    Object.values(FAMILIES),
  );
}
