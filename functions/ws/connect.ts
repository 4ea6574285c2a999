import { lazyDeps, connect, type WsEvent, type WsResult } from "./handler.ts";
import { cloudWsDeps } from "./deps.ts";

const deps = lazyDeps(() => cloudWsDeps());

/** API Gateway WebSocket `$connect` route (infra/realtime.ts). */
export const handler = async (event: WsEvent): Promise<WsResult> => connect(await deps(), event);
