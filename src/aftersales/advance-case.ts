import { eq } from "drizzle-orm";
import type { Tx } from "../db/client.ts";
import { type AftersaleKind, type AftersaleStatus, aftersaleCases } from "../db/schema/index.ts";
import { unfreezeForCase } from "./freeze.ts";
import { nextStatus } from "./status.ts";

/**
 * Moves a case on after its refund was approved or its goods came back; a case that closes lifts
 * the freeze it put on its customer. Returns the new status.
 */
export async function advanceCase(
  tx: Tx,
  c: { id: number; kind: AftersaleKind; status: AftersaleStatus },
  step: "refunded" | "received",
  now: number,
  extra: Partial<typeof aftersaleCases.$inferInsert> = {},
): Promise<AftersaleStatus> {
  const status = nextStatus(c.kind, c.status, step);
  const closing = status === "closed" ? { resolvedAt: now, resolution: step } : {};
  await tx
    .update(aftersaleCases)
    .set({ ...extra, status, touchedAt: now, ...closing })
    .where(eq(aftersaleCases.id, c.id));
  if (status === "closed") await unfreezeForCase(tx, c.id);
  return status;
}
