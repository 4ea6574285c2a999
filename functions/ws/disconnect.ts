import { lazyDeps, disconnect, type WsEvent, type WsResult } from "./handler.ts";
import { cloudWsDeps } from "./deps.ts";

const deps = lazyDeps(() => cloudWsDeps());

/** API Gateway WebSocket `$disconnect` route (infra/realtime.ts). */
export const handler = async (event: WsEvent): Promise<WsResult> => disconnect(await deps(), event);
