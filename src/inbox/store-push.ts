import { and, eq } from "drizzle-orm";
import type { Tx } from "../db/client.ts";
import { inbox } from "../db/schema/index.ts";

export interface StoredPush {
  id: number;
  duplicate: boolean;
  duplicateOf: number | null;
}

/**
 * Stores a verified push before anything else happens to it. The unique (source, dedupe_key)
 * index decides races: of three concurrent deliveries exactly one is stored as new; the others
 * are stored as duplicates pointing at it (their body kept only if it differs).
 */
export async function storePush(args: {
  tx: Tx;
  now: number;
  source: string;
  kind: string | null;
  headers: Record<string, string>;
  body: Buffer;
  bodyHash: string;
  dedupeKey: string;
}): Promise<StoredPush> {
  const { tx, now } = args;
  const inserted = await tx
    .insert(inbox)
    .values({
      source: args.source,
      kind: args.kind,
      receivedAt: now,
      headers: args.headers,
      body: args.body,
      bodySize: args.body.length,
      bodyHash: args.bodyHash,
      dedupeKey: args.dedupeKey,
      status: "received",
    })
    .onConflictDoNothing()
    .returning({ id: inbox.id });
  if (inserted[0]) return { id: inserted[0].id, duplicate: false, duplicateOf: null };

  const [first] = await tx
    .select({ id: inbox.id, bodyHash: inbox.bodyHash })
    .from(inbox)
    .where(and(eq(inbox.source, args.source), eq(inbox.dedupeKey, args.dedupeKey)));
  const [dup] = await tx
    .insert(inbox)
    .values({
      source: args.source,
      kind: args.kind,
      receivedAt: now,
      headers: args.headers,
      body: first?.bodyHash === args.bodyHash ? null : args.body,
      bodySize: args.body.length,
      bodyHash: args.bodyHash,
      dedupeKey: null,
      status: "duplicate",
      duplicateOf: first?.id ?? null,
    })
    .returning({ id: inbox.id });
  return { id: dup!.id, duplicate: true, duplicateOf: first?.id ?? null };
}

/** Keeps a push we refused (bad signature, unparseable, too large) so it can be inspected. */
export async function recordRejection(args: {
  tx: Tx;
  now: number;
  source: string;
  headers: Record<string, string>;
  body: Buffer | null;
  bodySize: number;
  reason: "signature" | "parse" | "too_large";
  error: string;
}): Promise<number> {
  const [row] = await args.tx
    .insert(inbox)
    .values({
      source: args.source,
      receivedAt: args.now,
      headers: args.headers,
      body: args.body,
      bodySize: args.bodySize,
      status: "rejected",
      rejectReason: args.reason,
      error: args.error,
    })
    .returning({ id: inbox.id });
  return row!.id;
}
