import { eq } from "drizzle-orm";
import type { Reader, Tx } from "../db/client.ts";
import { cardDecisions } from "../db/schema/index.ts";

export interface Decision {
  cardId: string;
  action: string;
  payload: string;
  platform: string;
  decidedBy: string;
  decidedByName: string | null;
  outcome: string;
  decidedAt: number;
}

/**
 * Takes the decision on a card if nobody has: the card id is the primary key, so of two clicks
 * committed together exactly one row is written. Returns `{ won: false, decision }` with the
 * earlier decision otherwise.
 */
export async function claimDecision(tx: Tx, d: Decision): Promise<{ won: boolean; decision: Decision }> {
  const inserted = await tx
    .insert(cardDecisions)
    .values(d)
    .onConflictDoNothing()
    .returning({ id: cardDecisions.cardId });
  if (inserted.length > 0) return { won: true, decision: d };
  const prior = await findDecision(tx, d.cardId);
  return { won: false, decision: prior ?? d };
}

export async function findDecision(db: Reader, cardId: string): Promise<Decision | null> {
  const [row] = await db.select().from(cardDecisions).where(eq(cardDecisions.cardId, cardId));
  return row ?? null;
}
