import { and, eq } from "drizzle-orm";
import type { Reader } from "../db/client.ts";
import { insertRows } from "../db/raw.ts";
import { sourceShapes } from "../db/schema/index.ts";
import type { Writer } from "../db/writer.ts";
import type { FieldSample } from "./payload-fields.ts";

type ShapeRow = typeof sourceShapes.$inferInsert;

interface KindShape {
  /** Payloads learned so far (the "$" row). */
  seq: number;
  paths: Map<string, ShapeRow>;
  dirty: Set<string>;
}

/** What one payload changed in a learned shape: the fields worth telling someone about now. */
export interface ShapeNews {
  source: string;
  kind: string;
  added: string[];
  retyped: string[];
}

const ROOT = "$";

const typesOf = (row: ShapeRow) => new Set(row.types.split("|"));
const hasNonNull = (types: Set<string>) => [...types].some((t) => t !== "null");

/**
 * Learns each source's payload shape (per kind) at processing time, in memory, and writes what
 * changed: new and re-typed fields at once (they are news), counters at most once a second (they
 * are statistics). Loaded from `source_shapes` the first time a kind is seen by this process.
 */
export function createShapeTracker(deps: { db: Reader; writer: Writer; minSamples: () => number }) {
  const shapes = new Map<string, KindShape>();
  let lastFlush = 0;

  async function load(source: string, kind: string): Promise<KindShape> {
    const key = `${source}\u0000${kind}`;
    const known = shapes.get(key);
    if (known) return known;
    const rows = await deps.db
      .select()
      .from(sourceShapes)
      .where(and(eq(sourceShapes.source, source), eq(sourceShapes.kind, kind)));
    const again = shapes.get(key); // another payload of the kind loaded it meanwhile
    if (again) return again;
    const shape: KindShape = {
      seq: rows.find((r) => r.path === ROOT)?.seen ?? 0,
      paths: new Map(rows.map((r) => [r.path, r])),
      dirty: new Set(),
    };
    shapes.set(key, shape);
    return shape;
  }

  async function learn(p: {
    source: string;
    kind: string;
    inboxId: number;
    at: number;
    fields: Map<string, FieldSample>;
  }): Promise<ShapeNews> {
    const shape = await load(p.source, p.kind);
    const seq = ++shape.seq;
    const learned = seq > deps.minSamples();
    const news: ShapeNews = { source: p.source, kind: p.kind, added: [], retyped: [] };
    const all: Array<[string, FieldSample]> = [[ROOT, { type: "object", example: "" }], ...p.fields];
    for (const [path, sample] of all) {
      const row = shape.paths.get(path);
      shape.dirty.add(path);
      if (!row) {
        shape.paths.set(path, {
          source: p.source,
          kind: p.kind,
          path,
          types: sample.type,
          example: path === ROOT ? null : sample.example,
          firstInboxId: p.inboxId,
          firstSeenAt: p.at,
          firstSeq: seq,
          lastSeq: seq,
          lastSeenAt: p.at,
          lastInboxId: p.inboxId,
          seen: 1,
        });
        if (learned) news.added.push(path);
        continue;
      }
      row.seen = (row.seen ?? 0) + 1;
      row.lastSeq = seq;
      row.lastSeenAt = p.at;
      row.lastInboxId = p.inboxId;
      const types = typesOf(row);
      if (types.has(sample.type)) continue;
      // null ↔ a value is how optional fields look; a value of another kind is a change.
      if (sample.type !== "null" && hasNonNull(types) && learned) {
        row.changedFrom = row.types;
        row.changedAt = p.at;
        row.changedInboxId = p.inboxId;
        row.example = sample.example;
        news.retyped.push(path);
      }
      types.add(sample.type);
      row.types = [...types].sort().join("|");
    }
    return news;
  }

  /** Writes every changed path; cheap to call often (nothing to do most of the time). */
  async function flush(force = true): Promise<void> {
    if (!force && performance.now() - lastFlush < 1000) return;
    lastFlush = performance.now();
    const rows: ShapeRow[] = [];
    for (const shape of shapes.values()) {
      for (const path of shape.dirty) rows.push(shape.paths.get(path)!);
      shape.dirty.clear();
    }
    if (rows.length === 0) return;
    const cols = [
      "source",
      "kind",
      "path",
      "types",
      "example",
      "first_inbox_id",
      "first_seen_at",
      "first_seq",
      "last_seq",
      "last_seen_at",
      "last_inbox_id",
      "seen",
      "changed_at",
      "changed_inbox_id",
      "changed_from",
    ];
    const updated = cols.slice(3).map((c) => `"${c}" = excluded."${c}"`);
    await deps.writer.run((tx) =>
      insertRows(
        tx,
        "source_shapes",
        cols,
        rows.map((r) => [
          r.source,
          r.kind,
          r.path,
          r.types,
          r.example ?? null,
          r.firstInboxId ?? null,
          r.firstSeenAt,
          r.firstSeq,
          r.lastSeq,
          r.lastSeenAt,
          r.lastInboxId ?? null,
          r.seen ?? 0,
          r.changedAt ?? null,
          r.changedInboxId ?? null,
          r.changedFrom ?? null,
        ]),
        `ON CONFLICT ("source", "kind", "path") DO UPDATE SET ${updated.join(", ")}`,
      ),
    );
  }

  return { learn, flush };
}

export type ShapeTracker = ReturnType<typeof createShapeTracker>;
