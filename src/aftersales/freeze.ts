import { eq, inArray } from "drizzle-orm";
import type { Reader, Tx } from "../db/client.ts";
import { buyerFreezes, orders } from "../db/schema/index.ts";
import { AppError } from "../errors.ts";

/** A customer as people type it: a buyer id (`taobao:tb_123`) or a phone number. */
export function freezeKey(who: string): string {
  const k = who.trim();
  if (!k) throw new AppError("bad_request", "请写客户:买家ID(如 miniapp:u1)或手机号");
  if (/^\+?[\d\s-]{7,}$/.test(k)) return k.replace(/\D/g, "").replace(/^86(?=1\d{10}$)/, "");
  return k;
}

export async function freezeBuyer(
  tx: Tx,
  input: { key: string; reason: string; caseId?: number | null; by: string; now: number },
): Promise<{ created: boolean }> {
  const inserted = await tx
    .insert(buyerFreezes)
    .values({
      key: input.key,
      reason: input.reason,
      caseId: input.caseId ?? null,
      frozenBy: input.by,
      frozenAt: input.now,
    })
    .onConflictDoNothing()
    .returning({ key: buyerFreezes.key });
  return { created: inserted.length > 0 };
}

/** Lifts a freeze; returns whether there was one. */
export async function unfreezeBuyer(tx: Tx, key: string): Promise<boolean> {
  const gone = await tx
    .delete(buyerFreezes)
    .where(eq(buyerFreezes.key, key))
    .returning({ key: buyerFreezes.key });
  return gone.length > 0;
}

/** Lifts the freezes a case put on its customer (when the case is resolved). */
export async function unfreezeForCase(tx: Tx, caseId: number): Promise<string[]> {
  const gone = await tx
    .delete(buyerFreezes)
    .where(eq(buyerFreezes.caseId, caseId))
    .returning({ key: buyerFreezes.key });
  return gone.map((g) => g.key);
}

export async function findFreeze(db: Reader, keys: (string | null | undefined)[]) {
  const k = keys.filter((x): x is string => Boolean(x));
  if (k.length === 0) return null;
  const [row] = await db.select().from(buyerFreezes).where(inArray(buyerFreezes.key, k));
  return row ?? null;
}

/**
 * A new order from a frozen customer is held for review: the order is flagged and a person
 * releases or cancels it. Returns the freeze that held it, if any.
 */
export async function holdIfFrozen(tx: Tx, orderNo: string, now: number) {
  const [o] = await tx
    .select({ buyerId: orders.buyerId, phone: orders.buyerPhone, attention: orders.attention })
    .from(orders)
    .where(eq(orders.orderNo, orderNo));
  if (!o || o.attention) return null;
  const freeze = await findFreeze(tx, [o.buyerId, o.phone]);
  if (!freeze) return null;
  await tx
    .update(orders)
    .set({ attention: "held_frozen_buyer", updatedAt: now })
    .where(eq(orders.orderNo, orderNo));
  return freeze;
}
