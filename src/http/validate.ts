import type { Context } from "hono";
import type { z } from "zod";
import { AppError } from "../errors.ts";

/** Parses a JSON body with a zod schema; a bad body is a 400 naming the field. */
export async function jsonBody<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
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
