import type { z } from "zod";
import { verifyOwn } from "./own-scheme.ts";
import { ParseError } from "./parse-error.ts";
import type { CanonicalEvent, RawPush, SourceAdapter, SourceName } from "./types.ts";

/** Pieces shared by the adapters. */

export const JSON_OK_ACK: SourceAdapter["ack"] = {
  status: 200,
  contentType: "application/json",
  body: '{"ok":true}',
};

/** One event with an id identifies the delivery; anything else falls back to the body hash. */
export function singleEventKey(events: CanonicalEvent[]): string | null {
  return events.length === 1 ? (events[0]?.sourceEventId ?? null) : null;
}

/** An adapter verified with anchorbot's own scheme. */
export function ownSchemeAdapter(
  name: SourceName,
  parse: (push: RawPush) => CanonicalEvent[],
): SourceAdapter {
  return {
    name,
    verify: verifyOwn,
    parse: guarded(name, parse),
    deliveryKey: (events) => singleEventKey(events),
    ack: JSON_OK_ACK,
  };
}

/**
 * Runs a parser and turns any stray exception into a ParseError, so the gateway answers 400 and
 * keeps the body instead of failing with 500 on a payload shape nobody foresaw. The original
 * error stays on `cause` so a bug in an adapter is still visible in the logs.
 */
export function guarded(source: SourceName, parse: (push: RawPush) => CanonicalEvent[]) {
  return (push: RawPush): CanonicalEvent[] => {
    try {
      return parse(push);
    } catch (err) {
      if (err instanceof ParseError) throw err;
      const wrapped = new ParseError(`${source}: unexpected payload (${(err as Error).message})`);
      throw Object.assign(wrapped, { cause: err });
    }
  };
}

/** Validates with a zod schema; the first issue becomes a ParseError naming its path. */
export function zodParse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.map(String).join(".") || "$";
  throw new ParseError(`${path}: ${issue?.message ?? "invalid payload"}`, path);
}
