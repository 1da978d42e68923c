import { type SQL, sql } from "drizzle-orm";
import { ANCHOR_LABELS, type Anchor } from "../anchors/anchor.ts";
import type { RuleSet } from "../anchors/rules.ts";
import type { Reader } from "../db/client.ts";
import type { HotReader } from "../db/hot-reader.ts";
import { dayRange } from "../shared/day.ts";
import {
  type CheckContext,
  checkOrder,
  type DriftFinding,
  type Evaluate,
  memoEvaluate,
  type OrderFacts,
  type ShipmentFacts,
  type SourceFacts,
} from "./check-order.ts";
import { DEFAULT_DRIFT_CONFIG, type DriftConfig, WAITING_ANCHORS } from "./config.ts";

export interface FindDriftInput {
  db: Reader;
  /**
   * Prepared statements on the embedded file (`deps.database.hot`). A page is a bounded indexed
   * read of a few milliseconds, and @libsql/client's per-row conversion costs several times the
   * read itself at a million orders; without it (memory, remote) the same SQL runs through `db`.
   */
  hot?: HotReader | null;
  rules: RuleSet;
  timeZone: string;
  /** YYYY-MM-DD in the time zone: orders whose updated_at falls on it are checked. */
  day: string;
  /** Time thresholds are measured against this (the run's now). */
  asOf: number;
  config?: DriftConfig;
  /** A run whose open items are checked again even when their order was not touched. */
  recheckRunId?: number | null;
  evaluate?: Evaluate;
  /**
   * Only this part of the day's scope, by updated_at: [from, to). Parallel scans give each worker
   * one slice; the scope's other conditions stay as they are.
   */
  slice?: { from: number; to: number };
  /** False: skip the day's scope and only re-check the previous run's open items. */
  touched?: boolean;
}

export interface DriftPage {
  /** Orders checked in this page (each order appears in exactly one page of a scan). */
  orderNos: string[];
  findings: DriftFinding[];
}

type Row = Record<string, unknown>;
type Bind = (name: string) => unknown;
type Query = (params: Record<string, unknown>) => Promise<Row[]>;

/** One statement, prepared once on the hot reader, or bound and run through drizzle. */
function compile(input: FindDriftInput, build: (p: Bind) => SQL): Query {
  const hot = input.hot;
  if (hot) {
    const run = hot.prepare(() => build((k) => sql.placeholder(k)));
    return async (params) => run(params);
  }
  return (params) => input.db.all<Row>(build((k) => params[k]));
}

const WAITING = sql.raw(WAITING_ANCHORS.map((a) => `'${a}'`).join(", "));
const ORDER_COLS = sql.raw(`o.order_no AS orderNo, o.status_anchor AS anchor, o.paid_at AS paidAt,
  o.created_at AS createdAt, o.updated_at AS updatedAt, o.anchor_changed_at AS anchorChangedAt`);

/**
 * The run's scope: touched on the day, or waiting on an anchor and touched in the lookback (an
 * order stuck since Monday is, by being stuck, never touched again).
 */
const inScope = (p: Bind, lower: unknown) =>
  sql`o.updated_at >= ${lower} AND o.updated_at < ${p("end")}
    AND (o.updated_at >= ${p("start")} OR o.status_anchor IN (${WAITING}))`;

function queries(input: FindDriftInput) {
  return {
    // The keyset cursor is folded into the one lower bound (`lo` = max(range start, last
    // updated_at)), so SQLite seeks the updated_at index at the cursor on every page.
    touched: compile(
      input,
      (p) => sql`SELECT ${ORDER_COLS} FROM orders o
        WHERE ${inScope(p, p("lo"))} AND (o.updated_at > ${p("u")} OR o.order_no > ${p("no")})
        ORDER BY o.updated_at, o.order_no LIMIT ${p("limit")}`,
    ),
    recheck: compile(
      input,
      (p) => sql`SELECT ${ORDER_COLS} FROM orders o
        WHERE o.order_no IN (SELECT order_no FROM drift_items
          WHERE run_id = ${p("run")} AND resolved_at IS NULL AND order_no > ${p("no")})
        AND NOT (${inScope(p, p("from"))})
        ORDER BY o.order_no LIMIT ${p("limit")}`,
    ),
    sources: compile(
      input,
      (p) => sql`SELECT order_no AS orderNo, source, raw_status AS rawStatus, fields AS fieldsText,
        event_time AS eventTime FROM source_statuses WHERE order_no IN (SELECT value FROM json_each(${p("nos")}))`,
    ),
    shipments: compile(
      input,
      (p) => sql`SELECT order_no AS orderNo, waybill_no AS waybillNo, picked_up_at AS pickedUpAt,
        last_node_at AS lastNodeAt, event_time AS eventTime
        FROM shipments WHERE order_no IN (SELECT value FROM json_each(${p("nos")}))`,
    ),
  };
}

function group<T extends { orderNo: string }>(rows: T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const list = m.get(r.orderNo);
    if (list) list.push(r);
    else m.set(r.orderNo, [r]);
  }
  return m;
}

/**
 * Finds drift page by page, reading orders in keyset order — (updated_at, order_no) for the day's
 * scope, then order_no for the previous run's open items outside it — so memory holds one page
 * however many orders the day touched. Each order is checked exactly once.
 */
export async function* findDrift(input: FindDriftInput): AsyncGenerator<DriftPage> {
  const config = input.config ?? DEFAULT_DRIFT_CONFIG;
  const ctx: CheckContext = {
    evaluate: input.evaluate ?? memoEvaluate(input.rules),
    config,
    asOf: input.asOf,
    timeZone: input.timeZone,
    label: (a) => ANCHOR_LABELS[a as Anchor] ?? a,
  };
  const q = queries(input);
  const { start, end } = dayRange(input.day, input.timeZone);
  const from = start - config.lookbackDays * 86_400_000;
  const limit = config.pageSize;

  const checkPage = async (page: OrderFacts[]): Promise<DriftPage> => {
    const orderNos = page.map((o) => o.orderNo);
    const srcRows = (await q.sources({ nos: JSON.stringify(orderNos) })) as unknown as Array<
      SourceFacts & { orderNo: string }
    >;
    const shipping = page.filter((o) => o.anchor === "shipped_at_warehouse" || o.anchor === "in_transit");
    const shipRows = shipping.length
      ? ((await q.shipments({ nos: JSON.stringify(shipping.map((o) => o.orderNo)) })) as unknown as Array<
          ShipmentFacts & { orderNo: string }
        >)
      : [];
    const bySource = group(srcRows);
    const byShip = group(shipRows);
    const findings: DriftFinding[] = [];
    for (const o of page) {
      for (const f of checkOrder(ctx, o, bySource.get(o.orderNo) ?? [], byShip.get(o.orderNo) ?? []))
        findings.push(f);
    }
    // Hot-reader pages are synchronous: give the event loop a turn between them.
    await new Promise((r) => setImmediate(r));
    return { orderNos, findings };
  };

  let u = -1;
  let no = "";
  const lower = Math.max(from, input.slice?.from ?? from);
  const upper = Math.min(end, input.slice?.to ?? end);
  for (;;) {
    if (input.touched === false) break;
    const page = (await q.touched({
      lo: Math.max(lower, u),
      u,
      no,
      start,
      end: upper,
      limit,
    })) as unknown as OrderFacts[];
    if (page.length === 0) break;
    yield await checkPage(page);
    const last = page[page.length - 1]!;
    u = last.updatedAt;
    no = last.orderNo;
    if (page.length < limit) break;
  }

  // Items still open in the previous run are checked again, or they would be "resolved" only
  // because nobody looked at them. (The recheck's `NOT inScope` uses the whole day, not a slice.)
  if (input.recheckRunId == null) return;
  no = "";
  for (;;) {
    const page = (await q.recheck({
      run: input.recheckRunId,
      no,
      from,
      start,
      end,
      limit,
    })) as unknown as OrderFacts[];
    if (page.length === 0) break;
    yield await checkPage(page);
    no = page[page.length - 1]!.orderNo;
    if (page.length < limit) break;
  }
}
