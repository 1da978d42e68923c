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
  if (!row) throw new AppError("not_found", `inbox #${args.id} 不存在`);
  if (row.status !== "failed" && row.status !== "dead") {
    const why =
      row.status === "rejected"
        ? `在入口就被拒收(${row.rejectReason}),从未被接受:请让平台重新推送`
        : row.status === "duplicate"
          ? "是重复推送:请重放它重复的那一条"
          : `的状态是 ${row.status}`;
    throw new AppError(
      "conflict",
      `inbox #${args.id} ${why};只有处理失败(failed)或已放弃(dead)的推送可以重放`,
    );
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
