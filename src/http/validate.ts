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
