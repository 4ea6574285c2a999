import { AppError } from "../errors/index.ts";

export type AiProviderErrorKind = "auth" | "quota" | "rate_limit" | "unavailable" | "bad_request";

/**
 * A provider call failed. The message is written for the agent and safe to show (the API answers 500
 * GeneralError with it): it names the provider and the reason, never the API key or the raw request.
 */
export class AiProviderError extends AppError {
  constructor(
    readonly kind: AiProviderErrorKind,
    message: string,
    readonly provider: string,
    readonly retryAfterSeconds?: number,
  ) {
    super("GeneralError", 500, message);
  }
}
