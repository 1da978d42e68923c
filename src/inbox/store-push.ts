import { and, eq, inArray } from "drizzle-orm";
import type { Tx } from "../db/client.ts";
import { execRaw, insertSql } from "../db/raw.ts";
import { inbox } from "../db/schema/index.ts";
import type { Writer } from "../db/writer.ts";

export interface StoredPush {
  id: number;
  duplicate: boolean;
  duplicateOf: number | null;
}

export interface PushRow {
  source: string;
  kind: string | null;
  headers: Record<string, string>;
  body: Buffer;
  bodyHash: string;
  dedupeKey: string;
  receivedAt: number;
}

/**
 * Stores pushes that arrive together with one multi-row INSERT … ON CONFLICT DO NOTHING: the
 * unique (source, dedupe_key) index decides every race, so of three concurrent deliveries of one
 * event exactly one is stored as new and the others as duplicates pointing at it (their body
 * kept only if it differs). One statement for a whole batch is what makes ingest cheap.
 */
export async function storePushes(tx: Tx, rows: PushRow[]): Promise<StoredPush[]> {
  // SQLite allows 32,766 bound variables a statement; 16 columns a row stays well under that.
  if (rows.length > 500) {
    const out: StoredPush[] = [];
    for (let i = 0; i < rows.length; i += 500) out.push(...(await storePushes(tx, rows.slice(i, i + 500))));
    return out;
  }
  const columns = [
    "source",
    "kind",
    "received_at",
    "headers",
    "body",
    "body_size",
    "body_hash",
    "dedupe_key",
    "status",
    "attempts",
  ];
  const rs = await execRaw(
    tx,
    insertSql("inbox", columns, rows.length, "ON CONFLICT DO NOTHING"),
    rows.flatMap((r) => [
      r.source,
      r.kind,
      r.receivedAt,
      JSON.stringify(r.headers),
      r.body,
      r.body.length,
      r.bodyHash,
      r.dedupeKey,
      "received",
      0,
    ]),
  );
  const inserted = await newRows(tx, rows, rs.rowsAffected, Number(rs.lastInsertRowid ?? 0));
  const newIds = new Map(inserted.map((r) => [`${r.source}\u0000${r.dedupeKey}`, r.id]));
  const out: Array<StoredPush | null> = rows.map((r) => {
    const k = `${r.source}\u0000${r.dedupeKey}`;
    const id = newIds.get(k);
    if (id === undefined) return null;
    newIds.delete(k); // a second row with the same key in this batch is a duplicate of the first
    return { id, duplicate: false, duplicateOf: null };
  });
  const dupIdx = out.flatMap((o, i) => (o === null ? [i] : []));
  if (dupIdx.length === 0) return out as StoredPush[];

  // Per source, so the lookup uses the (source, dedupe_key) index.
  const keysBySource = new Map<string, Set<string>>();
  for (const i of dupIdx) {
    const r = rows[i]!;
    keysBySource.set(r.source, (keysBySource.get(r.source) ?? new Set()).add(r.dedupeKey));
  }
  const first = new Map<string, { id: number; bodyHash: string | null }>();
  for (const [source, keys] of keysBySource) {
    const found = await tx
      .select({ id: inbox.id, dedupeKey: inbox.dedupeKey, bodyHash: inbox.bodyHash })
      .from(inbox)
      .where(and(eq(inbox.source, source), inArray(inbox.dedupeKey, [...keys])));
    for (const f of found) first.set(`${source}\u0000${f.dedupeKey}`, f);
  }
  const dups = await tx
    .insert(inbox)
    .values(
      dupIdx.map((i) => {
        const r = rows[i]!;
        const f = first.get(`${r.source}\u0000${r.dedupeKey}`);
        return {
          ...r,
          body: f?.bodyHash === r.bodyHash ? null : r.body,
          bodySize: r.body.length,
          dedupeKey: null,
          status: "duplicate" as const,
          duplicateOf: f?.id ?? null,
        };
      }),
    )
    .returning({ id: inbox.id, duplicateOf: inbox.duplicateOf });
  dupIdx.forEach((i, n) => {
    out[i] = { id: dups[n]!.id, duplicate: true, duplicateOf: dups[n]!.duplicateOf };
  });
  return out as StoredPush[];
}

/**
 * The rows the insert just stored, without RETURNING (which cost 40% of the insert: every row
 * built into an object by the client). Ids grow with every insert (AUTOINCREMENT, one writer),
 * so when every row went in they are the last `n` ids in VALUES order; when some met the unique
 * index (duplicates, the rare case), the new rows are the `inserted` highest ids among the keys.
 */
async function newRows(
  tx: Tx,
  rows: PushRow[],
  inserted: number,
  lastId: number,
): Promise<Array<{ id: number; source: string; dedupeKey: string }>> {
  if (inserted === rows.length)
    return rows.map((r, i) => ({
      id: lastId - rows.length + 1 + i,
      source: r.source,
      dedupeKey: r.dedupeKey,
    }));
  if (inserted === 0) return [];
  const found: Array<{ id: number; source: string; dedupeKey: string }> = [];
  for (const source of new Set(rows.map((r) => r.source))) {
    const keys = [...new Set(rows.filter((r) => r.source === source).map((r) => r.dedupeKey))];
    const rs = await execRaw(
      tx,
      "SELECT id, dedupe_key FROM inbox WHERE source = ? AND dedupe_key IN (SELECT value FROM json_each(?))",
      [source, JSON.stringify(keys)],
    );
    for (const r of rs.rows) found.push({ id: Number(r.id), source, dedupeKey: String(r.dedupe_key) });
  }
  return found.sort((a, b) => b.id - a.id).slice(0, inserted);
}

/** Collects the pushes of one event-loop turn and stores them in one writer op. */
export function createPushStore(writer: Writer) {
  let pending: Array<{ row: PushRow; resolve: (s: StoredPush) => void; reject: (e: unknown) => void }> = [];
  const flush = () => {
    const batch = pending;
    pending = [];
    writer
      .run((tx) =>
        storePushes(
          tx,
          batch.map((p) => p.row),
        ),
      )
      .then(
        (stored) => {
          for (const [i, p] of batch.entries()) p.resolve(stored[i]!);
        },
        (e) => {
          for (const p of batch) p.reject(e);
        },
      );
  };
  return {
    store(row: PushRow): Promise<StoredPush> {
      return new Promise((resolve, reject) => {
        if (pending.length === 0) setImmediate(flush);
        pending.push({ row, resolve, reject });
      });
    },
  };
}

export type PushStore = ReturnType<typeof createPushStore>;

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
