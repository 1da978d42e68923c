import type { Context } from "hono";
import type { z } from "zod";
import { AppError } from "../errors.ts";
import { BodyTooLarge, readRawBody } from "./raw-body.ts";

/** API bodies are small documents; anything larger is refused before it is buffered. */
const API_BODY_LIMIT = 1024 * 1024;

/**
 * Parses a JSON body with a zod schema; a bad body is a 400 naming the field. The body is read
 * straight from Node's request (readRawBody), which skips building a WHATWG Request and stream
 * per call: a tenth of the order path's time under load.
 */
export async function jsonBody<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  let raw: unknown;
  try {
    const { body } = await readRawBody(c, API_BODY_LIMIT, false);
    raw = JSON.parse(body.toString("utf8"));
  } catch (e) {
    if (e instanceof BodyTooLarge)
      throw new AppError("payload_too_large", `body is larger than ${API_BODY_LIMIT} bytes`);
    throw new AppError("bad_request", "body must be JSON");
  }
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path = issue.path.map(String).join(".");
  throw new AppError("bad_request", path ? `${path}: ${issue.message}` : issue.message);
}

/** Parses query parameters with a zod schema; a bad value is a 400 naming the parameter. */
export function parseQuery<T>(schema: z.ZodType<T>, v: unknown): T {
  const r = schema.safeParse(v);
  if (!r.success)
    throw new AppError(
      "bad_request",
      r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    );
  return r.data;
}
