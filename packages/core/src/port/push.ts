export type PushPlatform = "ios" | "android" | "web";

export type PushMessage = {
  /** The device's registration token (FCM), as the app registered it through /agents/me/push-token. */
  token: string;
  platform: PushPlatform;
  title: string;
  body: string;
  /** Delivered to the app alongside the notification; string values only (FCM's rule). */
  data: Record<string, string>;
};

/**
 * Mobile push. `send` answers "ok" when the push service accepted the message and "unregistered" when the
 * token will never work again (app uninstalled, token rotated or invalid): the caller forgets that token.
 * Transient failures (rate limits, outages) throw, so the job is delivered again.
 */
export interface Push {
  send(message: PushMessage): Promise<"ok" | "unregistered">;
}
