import { eq } from "drizzle-orm";
import type { Tx } from "../db/client.ts";
import { chatInbox } from "../db/schema/index.ts";

export interface InboundRecord {
  platform: string;
  dedupeKey: string;
  kind: "text" | "action";
  userId: string;
  conversationId?: string | null;
  body: string;
  receivedAt: number;
}

/**
 * Stores an inbound message or click before anything acts on it. Returns its id, or null when
 * the same delivery (platform retry, concurrent duplicate) is already stored.
 */
export async function storeInbound(tx: Tx, r: InboundRecord): Promise<number | null> {
  const [row] = await tx
    .insert(chatInbox)
    .values({
      platform: r.platform,
      dedupeKey: r.dedupeKey,
      kind: r.kind,
      userId: r.userId,
      conversationId: r.conversationId ?? null,
      body: r.body,
      receivedAt: r.receivedAt,
    })
    .onConflictDoNothing()
    .returning({ id: chatInbox.id });
  return row?.id ?? null;
}

export async function markInboundHandled(tx: Tx, id: number, at: number, error?: string): Promise<void> {
  await tx
    .update(chatInbox)
    .set({ handledAt: at, error: error ?? null })
    .where(eq(chatInbox.id, id));
}
