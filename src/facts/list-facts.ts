import { type SQL, sql } from "drizzle-orm";
import type { Reader } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { dayRange } from "../shared/day.ts";
import { FACT_COLUMNS } from "./columns.ts";
import { checkRange } from "./period.ts";

export interface FactFilter {
  from: string;
  to: string;
  timeZone: string;
  channel?: string;
  province?: string;
  /** Orders with at least one line of this SKU. */
  sku?: string;
  status?: string;
}

export type FactRow = Record<string, string | number | null>;

const NAMES = FACT_COLUMNS.map((c) => c.name);

/** Rows of the wide table paid in the period, in (paid_at, order_no) order, a keyset page at a time. */
export async function listFacts(
  db: Reader,
  filter: FactFilter,
  page: { limit: number; after?: string | null },
): Promise<{ rows: FactRow[]; next: string | null }> {
  checkRange(filter.from, filter.to);
  const start = dayRange(filter.from, filter.timeZone).start;
  const end = dayRange(filter.to, filter.timeZone).end;
  const conds: SQL[] = [sql`f.paid_at >= ${start}`, sql`f.paid_at < ${end}`];
  if (filter.channel) conds.push(sql`f.channel = ${filter.channel}`);
  if (filter.province) conds.push(sql`f.province = ${filter.province}`);
  if (filter.status) conds.push(sql`f.status_anchor = ${filter.status}`);
  if (filter.sku)
    conds.push(
      sql`exists (select 1 from order_lines l where l.order_no = f.order_no and l.sku = ${filter.sku})`,
    );
  const cursor = page.after ? decodeCursor(page.after) : null;
  if (cursor)
    conds.push(sql`(f.paid_at > ${cursor.t} or (f.paid_at = ${cursor.t} and f.order_no > ${cursor.o}))`);
  const rows = await db.all<FactRow>(sql`
    select ${sql.raw(NAMES.map((n) => `f.${n}`).join(", "))} from order_facts f
     where ${sql.join(conds, sql` and `)}
     order by f.paid_at, f.order_no limit ${page.limit}`);
  const last = rows[rows.length - 1];
  const next =
    rows.length === page.limit && last ? encodeCursor(Number(last.paid_at), String(last.order_no)) : null;
  return { rows, next };
}

function encodeCursor(t: number, o: string): string {
  return Buffer.from(JSON.stringify([t, o])).toString("base64url");
}

function decodeCursor(s: string): { t: number; o: string } {
  try {
    const [t, o] = JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as unknown[];
    if (typeof t === "number" && typeof o === "string") return { t, o };
  } catch {}
  throw new AppError("bad_request", "after must be the next_after of a previous page");
}

function cell(v: unknown): string {
  const s = v == null ? "" : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The filtered rows as CSV, pulled page by page so an export of any size is never held in
 * memory. Starts with a BOM (Excel reads UTF-8 then); the header is the column names, whose
 * lineage /api/v1/facts/columns describes (the route links it).
 */
export function factsCsv(db: Reader, filter: FactFilter, pageSize = 2000): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let after: string | null = null;
  let started = false;
  let done = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(enc.encode(`\uFEFF${NAMES.join(",")}\r\n`));
        return;
      }
      if (done) {
        controller.close();
        return;
      }
      const page = await listFacts(db, filter, { limit: pageSize, after });
      if (page.rows.length)
        controller.enqueue(
          enc.encode(page.rows.map((r) => `${NAMES.map((n) => cell(r[n])).join(",")}\r\n`).join("")),
        );
      after = page.next;
      if (after === null) {
        done = true;
        controller.close();
      }
    },
  });
}
