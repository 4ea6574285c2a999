import { Agent, buildConnector } from "undici";
import type { VettedHost } from "./outbound-guard.ts";

/** Errors after which the next checked address of the same host is worth a try. */
const NEXT_ADDRESS = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL", "EAFNOSUPPORT"]);

/**
 * An undici agent whose every new connection first vets its host (resolve once, check every address) and
 * then connects to a vetted address itself, never to the name: the address checked is the address used.
 * TLS still presents and verifies the name (servername), and the Host header is the URL's. Pooled
 * keep-alive connections were vetted when they were opened.
 */
export function pinnedAgent(vet: (host: string) => Promise<VettedHost>, connectTimeoutMs: number): Agent {
  const connectTo = buildConnector({ timeout: connectTimeoutMs });
  return new Agent({
    connect(opts, callback) {
      vet(opts.hostname).then(
        (vetted) => {
          const attempt = (i: number) =>
            connectTo(
              {
                ...opts,
                hostname: vetted.addresses[i]!,
                ...(vetted.servername ? { servername: vetted.servername } : {}),
              },
              (err, socket) => {
                if (
                  err &&
                  i + 1 < vetted.addresses.length &&
                  NEXT_ADDRESS.has((err as NodeJS.ErrnoException).code ?? "")
                )
                  return attempt(i + 1);
                if (err) callback(err, null);
                else callback(null, socket!);
              },
            );
          attempt(0);
        },
        (err: Error) => callback(err, null),
      );
    },
  });
}
