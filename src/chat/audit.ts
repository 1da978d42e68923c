import { desc, eq } from "drizzle-orm";
import type { Reader, Tx } from "../db/client.ts";
import { auditLog } from "../db/schema/index.ts";

export interface AuditEntry {
  at: number;
  platform: string;
  userId: string;
  role: string | null;
  action: string;
  subject?: string | null;
  cardId?: string | null;
  detail?: Record<string, unknown>;
}

/** Records who did what; written in the same transaction as the change it describes. */
export async function audit(tx: Tx, e: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({
    at: e.at,
    platform: e.platform,
    userId: e.userId,
    role: e.role,
    action: e.action,
    subject: e.subject ?? null,
    cardId: e.cardId ?? null,
    detail: e.detail ?? null,
  });
}

export async function auditFor(db: Reader, subject: string, limit = 50) {
  return db
    .select()
    .from(auditLog)
    .where(eq(auditLog.subject, subject))
    .orderBy(desc(auditLog.id))
    .limit(limit);
}
