/** The error types of the API contract; the HTTP layer maps `status` and `type` into the envelope. */
export type ErrorType =
  | "InputError"
  | "AuthError"
  | "PermissionError"
  | "NotFoundError"
  | "RateLimitError"
  | "GeneralError";

export class AppError extends Error {
  constructor(
    readonly type: ErrorType,
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export class InputError extends AppError {
  constructor(message: string) {
    super("InputError", 400, message);
  }
}
/**
 * A request body over its route's size limit, refused before it is read (status 413). Its type stays
 * `InputError`: to a client it is bad input, and the error types of the contract are a closed set.
 */
export class TooLargeError extends AppError {
  constructor(message: string) {
    super("InputError", 413, message);
  }
}
/**
 * The request names something another record already holds (a workspace slug, a custom domain), status 409.
 * Its type stays `InputError`, like TooLargeError: the contract's error types are a closed set.
 */
export class ConflictError extends AppError {
  constructor(message: string) {
    super("InputError", 409, message);
  }
}
export class AuthError extends AppError {
  constructor(message = "Invalid or missing credentials") {
    super("AuthError", 401, message);
  }
}
export class PermissionError extends AppError {
  constructor(message = "You do not have permission to do this") {
    super("PermissionError", 403, message);
  }
}
export class NotFoundError extends AppError {
  constructor(what = "Resource") {
    super("NotFoundError", 404, `${what} not found`);
  }
}
export class RateLimitError extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    message = "Too many requests, please try again later",
  ) {
    super("RateLimitError", 429, message);
  }
}
