import { type SQL, sql } from "drizzle-orm";
import type { Tx } from "../db/client.ts";
import { FACT_COLUMNS, PAID_AT_SQL } from "./columns.ts";

const computed = FACT_COLUMNS.filter((c) => c.sql !== null && c.name !== "paid_at");

/**
 * The one statement that (re)builds fact rows: every column from FACT_COLUMNS, for the orders
 * `where` selects that have a payment time. Refresh and rebuild both run it, which is why a
 * rebuild gives exactly the rows the incremental path left.
 */
function insertFacts(where: SQL, now: number): SQL {
  const names = ["paid_at", "refreshed_at", ...computed.map((c) => c.name)];
  const exprs = ["o.pay_t", String(Math.trunc(now)), ...computed.map((c) => c.sql as string)];
  return sql`insert into order_facts (${sql.raw(names.join(", "))})
    select ${sql.raw(exprs.join(",\n "))}
      from (select o.*, ${sql.raw(PAID_AT_SQL)} as pay_t from orders o where ${where}) o
      left join addresses a on a.order_no = o.order_no
     where o.pay_t is not null`;
}

/** Marks each buyer's earliest paid order; `keys` limits it to those buyers. */
function markFirstOrders(keys: string[] | null): SQL {
  const scope = keys
    ? sql`where buyer_key in (${sql.join(
        keys.map((k) => sql`${k}`),
        sql`, `,
      )})`
    : sql``;
  return sql`update order_facts set buyer_first = (order_no = (
      select f2.order_no from order_facts f2 where f2.buyer_key = order_facts.buyer_key
       order by f2.paid_at, f2.order_no limit 1)) ${scope}`;
}

/**
 * Recomputes one order's fact row from its current state: idempotent, so any event, refund or
 * case change may call it as often as it likes. An order that is not paid has no row.
 */
export async function refreshFact(tx: Tx, orderNo: string, now: number): Promise<void> {
  type Key = { k: string; t: number; f: number };
  const before = await tx.all<Key>(
    sql`delete from order_facts where order_no = ${orderNo} returning buyer_key as k, paid_at as t, buyer_first as f`,
  );
  const after = await tx.all<Key>(
    sql`${insertFacts(sql`o.order_no = ${orderNo}`, now)} returning buyer_key as k, paid_at as t, 0 as f`,
  );
  // Whose first order it is can only change when the order's buyer or payment time did.
  const [b, a] = [before[0], after[0]];
  if (!b && !a) return;
  if (b && a && b.k === a.k && b.t === a.t) {
    if (b.f) await tx.run(sql`update order_facts set buyer_first = 1 where order_no = ${orderNo}`);
    return;
  }
  const keys = [...new Set([b?.k, a?.k].filter((k): k is string => k !== undefined))];
  await tx.run(markFirstOrders(keys));
}

/** Throws the table away and builds it again from the orders and their event log. */
export async function rebuildFacts(tx: Tx, now: number): Promise<{ rows: number }> {
  await tx.run(sql`delete from order_facts`);
  await tx.run(insertFacts(sql`1 = 1`, now));
  await tx.run(markFirstOrders(null));
  const [r] = await tx.all<{ n: number }>(sql`select count(*) as n from order_facts`);
  return { rows: Number(r?.n ?? 0) };
}
