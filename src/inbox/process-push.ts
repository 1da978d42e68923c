import { eq } from "drizzle-orm";
import type { RuleSet } from "../anchors/rules.ts";
import type { Writer } from "../db/writer.ts";
import { inbox } from "../db/schema/index.ts";
import { AppError } from "../errors.ts";
import { type ApplyResult, applyEvent } from "../orders/apply-event.ts";
import { getAdapter } from "../sources/index.ts";
import type { CanonicalEvent } from "../sources/types.ts";

export const MAX_ATTEMPTS = 10;

/** 5 s, 10 s, 20 s … capped at one hour: a missing link (waybill before order) usually heals fast. */
export function retryDelayMs(attempts: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

export interface ProcessOutcome {
  id: number;
  status: "processed" | "failed" | "dead" | "skipped";
  results: ApplyResult[];
  error?: string;
}

/**
 * Turns a stored push into order changes. All events of one delivery apply in one savepoint:
 * either the whole delivery lands or none of it does, and a failure keeps the push for retry.
 */
export async function processPush(args: {
  writer: Writer;
  rules: RuleSet;
  now: () => number;
  id: number;
  /** Events already parsed at ingest, to skip a second parse; re-parsed from the body when absent. */
  events?: CanonicalEvent[];
}): Promise<ProcessOutcome> {
  const { writer, rules, id } = args;
  try {
    return await writer.run(async (tx) => {
      const [row] = await tx.select().from(inbox).where(eq(inbox.id, id));
      if (!row || (row.status !== "received" && row.status !== "failed")) {
        return { id, status: "skipped" as const, results: [] };
      }
      let events = args.events;
      if (!events) {
        const adapter = getAdapter(row.source);
        if (!adapter || !row.body) throw new AppError("invalid_payload", `inbox ${id} has no adapter or body`);
        events = adapter.parse({ body: row.body, headers: row.headers, url: "" });
      }
      const now = args.now();
      const results: ApplyResult[] = [];
      for (const event of events) results.push(await applyEvent({ tx, rules, now, event, inboxId: id }));
      await tx
        .update(inbox)
        .set({ status: "processed", processedAt: now, error: null, nextAttemptAt: null })
        .where(eq(inbox.id, id));
      return { id, status: "processed" as const, results };
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return writer.run(async (tx) => {
      const [row] = await tx.select({ attempts: inbox.attempts }).from(inbox).where(eq(inbox.id, id));
      const attempts = (row?.attempts ?? 0) + 1;
      const dead = attempts >= MAX_ATTEMPTS;
      await tx
        .update(inbox)
        .set({
          status: dead ? "dead" : "failed",
          attempts,
          error: message,
          nextAttemptAt: dead ? null : args.now() + retryDelayMs(attempts),
        })
        .where(eq(inbox.id, id));
      return { id, status: dead ? ("dead" as const) : ("failed" as const), results: [], error: message };
    });
  }
}
