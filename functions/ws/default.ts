import { lazyDeps, message, type WsEvent, type WsResult } from "./handler.ts";
import { cloudWsDeps } from "./deps.ts";

const deps = lazyDeps(() => cloudWsDeps());

/** API Gateway WebSocket `$default` route (infra/realtime.ts). */
export const handler = async (event: WsEvent): Promise<WsResult> => message(await deps(), event);
