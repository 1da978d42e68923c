import { eq, inArray } from "drizzle-orm";
import type { AlertContext } from "../alerts/evaluate.ts";
import type { RuleSet } from "../anchors/rules.ts";
import type { Tx } from "../db/client.ts";
import { inbox } from "../db/schema/index.ts";
import type { Writer } from "../db/writer.ts";
import { AppError } from "../errors.ts";
import type { StockSettings } from "../inventory/stock-math.ts";
import { getAdapter } from "../sources/index.ts";
import type { CanonicalEvent, ParseContext } from "../sources/types.ts";
import { type Handled, handleEvent } from "./handle-event.ts";

export const MAX_ATTEMPTS = 10;

/** 5 s, 10 s, 20 s … capped at one hour: a missing link (waybill before order) usually heals fast. */
export function retryDelayMs(attempts: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

export interface ProcessOutcome {
  id: number;
  source: string;
  status: "processed" | "failed" | "dead" | "skipped";
  results: Handled[];
  error?: string;
  /** The stored push, on its first processing only: interface health learns its shape from it. */
  payload?: { kind: string | null; body: Buffer; receivedAt: number };
}

export interface ProcessItem {
  id: number;
  /** Events already parsed at ingest, to skip a second parse; re-parsed from the body when absent. */
  events?: CanonicalEvent[];
}

export interface ProcessContext {
  rules: RuleSet;
  settings: StockSettings;
  /** Keys some sources need to read a stored body again (WeChat Pay's APIv3 key). */
  parse?: ParseContext;
  /** The alert centre's rules, run on every order event. */
  alerts?: AlertContext;
}

async function processOne(
  tx: Tx,
  pc: ProcessContext,
  now: number,
  row: typeof inbox.$inferSelect,
  events: CanonicalEvent[] | undefined,
): Promise<ProcessOutcome> {
  const { id, source } = row;
  const payload =
    row.status === "received" && row.body
      ? { kind: row.kind, body: row.body, receivedAt: row.receivedAt }
      : undefined;
  try {
    // A savepoint per delivery: all of its events land, or none do and it stays for retry.
    const results = await tx.transaction(async (sp) => {
      let evs = events;
      if (!evs) {
        const adapter = getAdapter(source);
        if (!adapter || !row.body)
          throw new AppError("invalid_payload", `inbox ${id} has no adapter or body`);
        evs = adapter.parse({ body: row.body, headers: row.headers, url: "" }, pc.parse);
      }
      const out: Handled[] = [];
      for (const event of evs) {
        out.push(
          await handleEvent(
            { tx: sp, rules: pc.rules, settings: pc.settings, now, inboxId: id, alerts: pc.alerts },
            event,
          ),
        );
      }
      return out;
    });
    return { id, source, status: "processed", results, payload };
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    const attempts = row.attempts + 1;
    const dead = attempts >= MAX_ATTEMPTS;
    await tx
      .update(inbox)
      .set({
        status: dead ? "dead" : "failed",
        attempts,
        error,
        nextAttemptAt: dead ? null : now + retryDelayMs(attempts),
      })
      .where(eq(inbox.id, id));
    return { id, source, status: dead ? "dead" : "failed", results: [], error, payload };
  }
}

/**
 * Turns stored pushes into order changes, a batch in one transaction. A failure keeps the push
 * with its error and a retry time; after MAX_ATTEMPTS it is marked dead, never dropped.
 */
export async function processPushes(args: {
  writer: Writer;
  ctx: ProcessContext;
  now: () => number;
  items: ProcessItem[];
}): Promise<ProcessOutcome[]> {
  const { writer, items } = args;
  if (items.length === 0) return [];
  return writer.run(async (tx) => {
    const now = args.now();
    const rows = await tx
      .select()
      .from(inbox)
      .where(
        inArray(
          inbox.id,
          items.map((i) => i.id),
        ),
      );
    const byId = new Map(rows.map((r) => [r.id, r]));
    const out: ProcessOutcome[] = [];
    for (const item of items) {
      const row = byId.get(item.id);
      if (!row || (row.status !== "received" && row.status !== "failed")) {
        out.push({ id: item.id, source: row?.source ?? "", status: "skipped", results: [] });
        continue;
      }
      out.push(await processOne(tx, args.ctx, now, row, item.events));
    }
    const done = out.filter((o) => o.status === "processed").map((o) => o.id);
    if (done.length > 0) {
      await tx
        .update(inbox)
        .set({ status: "processed", processedAt: now, error: null, nextAttemptAt: null })
        .where(inArray(inbox.id, done));
    }
    return out;
  });
}

/** One push, processed now. */
export async function processPush(args: {
  writer: Writer;
  ctx: ProcessContext;
  now: () => number;
  id: number;
  events?: CanonicalEvent[];
}): Promise<ProcessOutcome> {
  const [out] = await processPushes({ ...args, items: [{ id: args.id, events: args.events }] });
  return out!;
}
