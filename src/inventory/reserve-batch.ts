import type { Tx } from "../db/client.ts";
import { execRaw, insertRows } from "../db/raw.ts";
import { AppError } from "../errors.ts";
import { type ListingChange, settleListing } from "./low-stock.ts";
import { available, reservable, type StockSettings } from "./stock-math.ts";

export interface ReserveRequest {
  orderNo: string;
  /** Quantities per SKU; lines of one SKU already summed. */
  lines: Array<{ sku: string; qty: number }>;
  expiresAt: number;
}

export type ReserveResult =
  | {
      ok: true;
      orderNo: string;
      expiresAt: number;
      lines: Array<{ sku: string; qty: number }>;
      repeated: boolean;
    }
  | {
      ok: false;
      orderNo: string;
      sku: string;
      requested: number;
      available: number;
      reason: "insufficient_stock" | "unknown_sku";
    };

/** The database refused a write because another writer got there first (stale read or older fence). */
export class StockConflict extends AppError {
  constructor(sku: string) {
    super("conflict", `stock of ${sku} changed under a stale writer; retry`);
  }
}

/** Sums lines of the same SKU: an order with two lines of SKU-1 reserves their total. */
export function sumLines(
  lines: ReadonlyArray<{ sku: string; qty: number }>,
): Array<{ sku: string; qty: number }> {
  const by = new Map<string, number>();
  for (const l of lines) by.set(l.sku, (by.get(l.sku) ?? 0) + l.qty);
  return [...by].map(([sku, qty]) => ({ sku, qty }));
}

/**
 * Reserves stock for many orders in one go (group commit): one read of the SKUs involved, the
 * decisions in memory in arrival order (each order all-or-nothing), then one conditional UPDATE
 * per SKU and one multi-row insert each for reservations and movements. The UPDATE only applies
 * if the row still holds what was read and no newer lock holder wrote it (fence), so a stale or
 * lost lock cannot oversell.
 */
export async function reserveBatch(
  tx: Tx,
  reqs: ReserveRequest[],
  settings: StockSettings,
  now: number,
  /** The lock's fencing token, when the caller holds per-SKU locks. */
  fence?: number,
): Promise<{ results: ReserveResult[]; listing: ListingChange[] }> {
  const orderNos = [...new Set(reqs.map((r) => r.orderNo))];
  const existing = (
    await execRaw(
      tx,
      "SELECT order_no, sku, qty, expires_at FROM reservations WHERE order_no IN (SELECT value FROM json_each(?))",
      [JSON.stringify(orderNos)],
    )
  ).rows.map((r) => ({
    orderNo: String(r.order_no),
    sku: String(r.sku),
    qty: Number(r.qty),
    expiresAt: Number(r.expires_at),
  }));
  const already = new Map<string, typeof existing>();
  for (const e of existing) already.set(e.orderNo, [...(already.get(e.orderNo) ?? []), e]);

  const skuIds = [...new Set(reqs.flatMap((r) => r.lines.map((l) => l.sku)))];
  const rows =
    skuIds.length === 0
      ? []
      : (
          await execRaw(
            tx,
            "SELECT sku, on_hand, reserved, safety_stock, listed FROM skus WHERE sku IN (SELECT value FROM json_each(?))",
            [JSON.stringify(skuIds)],
          )
        ).rows.map((r) => ({
          sku: String(r.sku),
          onHand: Number(r.on_hand),
          reserved: Number(r.reserved),
          safetyStock: Number(r.safety_stock),
          listed: Number(r.listed) === 1,
        }));
  const state = new Map(rows.map((r) => [r.sku, { ...r, startReserved: r.reserved }]));

  const results: ReserveResult[] = [];
  const accepted: ReserveRequest[] = [];
  const seen = new Set<string>();
  for (const req of reqs) {
    const prior = already.get(req.orderNo);
    if (prior || seen.has(req.orderNo)) {
      // A retried create: answer with what is held, reserve nothing twice.
      const held = prior ?? accepted.find((a) => a.orderNo === req.orderNo)!.lines;
      results.push({
        ok: true,
        orderNo: req.orderNo,
        expiresAt: prior?.[0]?.expiresAt ?? req.expiresAt,
        lines: held.map(({ sku, qty }) => ({ sku, qty })),
        repeated: true,
      });
      continue;
    }
    const short = req.lines
      .map((l) => {
        const s = state.get(l.sku);
        if (!s) return { sku: l.sku, requested: l.qty, available: 0, reason: "unknown_sku" as const };
        const avail = available(s.onHand, s.reserved, settings.reserveRatio);
        return l.qty > avail
          ? { sku: l.sku, requested: l.qty, available: avail, reason: "insufficient_stock" as const }
          : null;
      })
      .find((x) => x !== null);
    if (short) {
      results.push({ ok: false, orderNo: req.orderNo, ...short });
      continue;
    }
    for (const l of req.lines) state.get(l.sku)!.reserved += l.qty;
    accepted.push(req);
    seen.add(req.orderNo);
    results.push({
      ok: true,
      orderNo: req.orderNo,
      expiresAt: req.expiresAt,
      lines: req.lines,
      repeated: false,
    });
  }
  if (accepted.length === 0) return { results, listing: [] };

  const listing: ListingChange[] = [];
  for (const s of state.values()) {
    if (s.reserved === s.startReserved) continue;
    if (s.reserved > reservable(s.onHand, settings.reserveRatio))
      throw new Error(`reserveBatch: ${s.sku} over-reserved`);
    const settled = await settleListing(tx, s, settings, now);
    if (settled.change) listing.push(settled.change);
    // Applied only if the row still holds what was read and no newer lock holder wrote it.
    const res = await execRaw(
      tx,
      fence === undefined
        ? "UPDATE skus SET reserved = ?1, listed = ?2, updated_at = ?3 WHERE sku = ?4 AND reserved = ?5 AND on_hand = ?6"
        : "UPDATE skus SET reserved = ?1, listed = ?2, updated_at = ?3, fence = max(fence, ?7) WHERE sku = ?4 AND reserved = ?5 AND on_hand = ?6 AND fence <= ?7",
      [
        s.reserved,
        settled.listed ? 1 : 0,
        now,
        s.sku,
        s.startReserved,
        s.onHand,
        ...(fence === undefined ? [] : [fence]),
      ],
    );
    if (res.rowsAffected !== 1) throw new StockConflict(s.sku);
  }
  const lines = accepted.flatMap((r) =>
    r.lines.map((l) => ({ ...l, orderNo: r.orderNo, expiresAt: r.expiresAt })),
  );
  await insertRows(
    tx,
    "reservations",
    ["order_no", "sku", "qty", "status", "expires_at", "created_at"],
    lines.map((l) => [l.orderNo, l.sku, l.qty, "held", l.expiresAt, now]),
  );
  await insertRows(
    tx,
    "stock_movements",
    ["sku", "kind", "delta_on_hand", "delta_reserved", "order_no", "at"],
    lines.map((l) => [l.sku, "reserve", 0, l.qty, l.orderNo, now]),
  );
  return { results, listing };
}
