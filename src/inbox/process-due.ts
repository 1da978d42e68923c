import { and, asc, eq, lte, or } from "drizzle-orm";
import type { Reader } from "../db/client.ts";
import { inbox } from "../db/schema/index.ts";
import type { Writer } from "../db/writer.ts";
import { type ProcessContext, type ProcessOutcome, processPushes } from "./process-push.ts";

/** A freshly stored push is processed right after its answer; only older ones are the sweeper's. */
export const RECEIVED_GRACE_MS = 30_000;

/**
 * Processes pushes whose retry is due, and pushes that were stored but never processed (the
 * process stopped between answering and processing). Returns what happened to each.
 */
export async function processDue(args: {
  db: Reader;
  writer: Writer;
  ctx: ProcessContext;
  now: () => number;
  limit?: number;
  /** Process `received` rows regardless of age (start-up recovery, tests). */
  includeFresh?: boolean;
}): Promise<ProcessOutcome[]> {
  const now = args.now();
  const receivedBefore = args.includeFresh ? now + 1 : now - RECEIVED_GRACE_MS;
  const due = await args.db
    .select({ id: inbox.id })
    .from(inbox)
    .where(
      or(
        and(eq(inbox.status, "failed"), lte(inbox.nextAttemptAt, now)),
        and(eq(inbox.status, "received"), lte(inbox.receivedAt, receivedBefore)),
      ),
    )
    .orderBy(asc(inbox.id))
    .limit(args.limit ?? 500);
  const out: ProcessOutcome[] = [];
  for (let i = 0; i < due.length; i += 25) {
    const items = due.slice(i, i + 25).map(({ id }) => ({ id }));
    out.push(...(await processPushes({ writer: args.writer, ctx: args.ctx, now: args.now, items })));
  }
  return out;
}
