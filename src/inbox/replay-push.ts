import { and, desc, eq, inArray, lt, type SQL } from "drizzle-orm";
import type { Reader } from "../db/client.ts";
import { inbox } from "../db/schema/index.ts";
import type { Writer } from "../db/writer.ts";
import { AppError } from "../errors.ts";
import type { ProcessOutcome } from "./process-push.ts";
import type { Processor } from "./processor.ts";

export interface FailedPush {
  id: number;
  source: string;
  kind: string | null;
  status: "failed" | "dead";
  attempts: number;
  error: string | null;
  receivedAt: number;
  nextAttemptAt: number | null;
  bodySize: number;
}

/** Pushes whose processing failed (retrying) or was given up (dead), newest first; keyset by id. */
export async function listFailedPushes(
  db: Reader,
  opts: { source?: string; limit?: number; before?: number } = {},
): Promise<FailedPush[]> {
  const where: SQL[] = [inArray(inbox.status, ["failed", "dead"])];
  if (opts.source) where.push(eq(inbox.source, opts.source));
  if (opts.before) where.push(lt(inbox.id, opts.before));
  const rows = await db
    .select({
      id: inbox.id,
      source: inbox.source,
      kind: inbox.kind,
      status: inbox.status,
      attempts: inbox.attempts,
      error: inbox.error,
      receivedAt: inbox.receivedAt,
      nextAttemptAt: inbox.nextAttemptAt,
      bodySize: inbox.bodySize,
    })
    .from(inbox)
    .where(and(...where))
    .orderBy(desc(inbox.id))
    .limit(opts.limit ?? 50);
  return rows as FailedPush[];
}

/**
 * Processes a failed or dead push again now, after whatever made it fail was fixed. A dead push
 * gets a fresh set of attempts. Refused pushes (bad signature, unparseable, too large) were never
 * accepted and cannot be replayed; processed ones need nothing.
 */
export async function replayPush(args: {
  db: Reader;
  writer: Writer;
  processor: Processor;
  id: number;
}): Promise<ProcessOutcome> {
  const [row] = await args.db
    .select({ status: inbox.status, rejectReason: inbox.rejectReason })
    .from(inbox)
    .where(eq(inbox.id, args.id));
  if (!row) throw new AppError("not_found", `inbox #${args.id} does not exist`);
  if (row.status !== "failed" && row.status !== "dead") {
    const why =
      row.status === "rejected"
        ? `was refused at the door (${row.rejectReason}); ask the platform to send it again`
        : row.status === "duplicate"
          ? "is a duplicate; replay the push it duplicates"
          : `is ${row.status}`;
    throw new AppError("conflict", `inbox #${args.id} ${why}: only failed or dead pushes can be replayed`);
  }
  await args.writer.run((tx) =>
    tx
      .update(inbox)
      .set({ status: "failed", attempts: row.status === "dead" ? 0 : undefined, nextAttemptAt: null })
      .where(eq(inbox.id, args.id)),
  );
  const [out] = await args.processor.processNow([{ id: args.id }]);
  return out!;
}
