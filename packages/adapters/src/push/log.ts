import type { Push } from "@helperiq/core/port/index";

/** The default without FCM configured: pushes are written to the log (token shortened) and count as sent. */
export function createLogPush(log: (line: string) => void = console.log): Push {
  return {
    async send(message) {
      log(
        `[push] (not sent: FCM_SERVICE_ACCOUNT is not set) ${message.platform} …${message.token.slice(-6)} ${JSON.stringify(message.title)}`,
      );
      return "ok";
    },
  };
}
