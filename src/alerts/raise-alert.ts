import type { Tx } from "../db/client.ts";
import { alerts } from "../db/schema/index.ts";

export interface AlertInput {
  kind: string;
  severity: "P1" | "P2" | "P3";
  orderNo?: string | null;
  sku?: string | null;
  message: string;
  details?: Record<string, unknown>;
}

/** Records an alert for people to act on; the alert center (coming) routes and escalates it. */
export async function raiseAlert(tx: Tx, now: number, a: AlertInput): Promise<number> {
  const [row] = await tx
    .insert(alerts)
    .values({
      kind: a.kind,
      severity: a.severity,
      orderNo: a.orderNo ?? null,
      sku: a.sku ?? null,
      message: a.message,
      details: a.details ?? {},
      status: "open",
      createdAt: now,
    })
    .returning({ id: alerts.id });
  return row!.id;
}
