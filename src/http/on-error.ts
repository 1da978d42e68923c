import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { AppError, ERROR_STATUS } from "../errors.ts";
import type { Logger } from "../shared/logger.ts";

/** The one translation of errors to HTTP: `{error, message}` with a fitting status. */
export function errorResponse(c: Context, err: unknown, logger: Logger): Response {
  if (err instanceof AppError) {
    const status = ERROR_STATUS[err.code] as ContentfulStatusCode;
    return c.json({ error: err.code, message: err.message, ...err.details }, status);
  }
  if (err instanceof HTTPException) {
    return c.json(
      { error: err.status === 404 ? "not_found" : "bad_request", message: err.message },
      err.status,
    );
  }
  logger.error({ err, path: c.req.path }, "unhandled error");
  return c.json({ error: "internal", message: "internal error; it has been logged" }, 500);
}
