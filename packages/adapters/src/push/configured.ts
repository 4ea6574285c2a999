import type { Push } from "@helperiq/core/port/index";
import { createFcmPush, parseServiceAccount } from "./fcm.ts";
import { createLogPush } from "./log.ts";

/** FCM when a service account is configured (FCM_SERVICE_ACCOUNT, FCM_ENDPOINT), else the log. Throws on a bad key file. */
export function createConfiguredPush(config: {
  serviceAccount?: string | undefined;
  endpoint?: string | undefined;
}): Push {
  if (!config.serviceAccount) return createLogPush();
  return createFcmPush({
    serviceAccount: parseServiceAccount(config.serviceAccount),
    endpoint: config.endpoint || undefined,
  });
}
