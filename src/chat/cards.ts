import { eq } from "drizzle-orm";
import type { Reader, Tx } from "../db/client.ts";
import { chatCards } from "../db/schema/index.ts";

/** Remembers a card that carries decision buttons, so a click can find what it decides on. */
export async function saveCard(
  tx: Tx,
  c: { id: string; kind: string; subject: string | null; card: unknown; now: number },
): Promise<void> {
  await tx
    .insert(chatCards)
    .values({ id: c.id, kind: c.kind, subject: c.subject, card: c.card, createdAt: c.now })
    .onConflictDoNothing();
}

export async function findCard(db: Reader, id: string) {
  const [row] = await db.select().from(chatCards).where(eq(chatCards.id, id));
  return row ?? null;
}
