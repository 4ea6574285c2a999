import { DEFAULT_MEDIA_MAX_BYTES } from "@helperiq/core/media/limits";
import { DEFAULT_MEDIA_URL_TTL_SECONDS, signMediaPath, type MediaUrlMaker } from "@helperiq/core/media/url";
import type { Context } from "hono";
import type { AppConfig, AppEnv } from "./env.ts";
import { workspaceOrigin } from "./origin.ts";

/** The upload limit and URL lifetime in force (AppConfig.media, else the defaults). */
export function mediaSettings(config: AppConfig): { maxBytes: number; urlTtlSeconds: number } {
  return {
    maxBytes: config.media?.maxBytes ?? DEFAULT_MEDIA_MAX_BYTES,
    urlTtlSeconds: config.media?.urlTtlSeconds ?? DEFAULT_MEDIA_URL_TTL_SECONDS,
  };
}

/**
 * Absolute signed URLs of this request's workspace: `<origin>/uploads/<uuid>?exp=…&sig=…`, on the host the
 * caller used (the signature binds the workspace, so the URL works on that workspace's hosts only).
 */
export function mediaUrlMaker(c: Context<AppEnv>): MediaUrlMaker {
  let origin: string | undefined;
  return (uuid) => {
    const { secrets, clock, config } = c.get("deps");
    origin ??= workspaceOrigin(c);
    return (
      origin + signMediaPath(secrets, c.get("tenant").id, uuid, clock.now(), mediaSettings(config).urlTtlSeconds).path
    );
  };
}
