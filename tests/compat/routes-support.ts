import { expect } from "vitest";
import type { Reply } from "../support/app.ts";

/** The error envelope with its status and type; `message` (a field prefix like /^ids\[0\]: /) when given. */
export function expectError(res: Reply, status: 400 | 403 | 404, message?: RegExp) {
  const type = { 400: "InputError", 403: "PermissionError", 404: "NotFoundError" }[status];
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.data.type).toBe(type);
  if (message) expect(res.body.data.message).toMatch(message);
}
