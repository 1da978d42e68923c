/** The closed set of things that can go wrong, each translated once per edge (HTTP, chat). */
export const ERROR_STATUS = {
  bad_request: 400,
  invalid_payload: 400,
  unauthorized: 401,
  bad_signature: 401,
  forbidden: 403,
  not_found: 404,
  unknown_source: 404,
  conflict: 409,
  insufficient_stock: 409,
  payload_too_large: 413,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra JSON fields for the HTTP body (e.g. sku and available for insufficient_stock). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "AppError";
  }
}
