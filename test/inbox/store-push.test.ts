import { asc } from "drizzle-orm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { inbox } from "../../src/db/schema/index.ts";
import { type PushRow, storePushes } from "../../src/inbox/store-push.ts";
import { testDeps } from "../helpers/deps.ts";

let n = 0;
/** Each push carries its own serial in a header, so a row answered to the wrong push shows. */
const push = (source: string, key: string, body: string): PushRow => ({
  source,
  kind: "order",
  headers: { "x-test": key, "x-serial": String(++n) },
  body: Buffer.from(body),
  bodyHash: body,
  dedupeKey: key,
  receivedAt: 0,
});

describe("storePushes", () => {
  it("gives every push the id of its own row: new ones theirs, duplicates one pointing at the first, over random batches", async () => {
    const pushArb = fc.record({
      source: fc.constantFrom("miniapp", "taobao"),
      key: fc.constantFrom("k1", "k2", "k3", "k4", "k5", "k6"),
      body: fc.constantFrom("a", "b"),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(pushArb, { minLength: 1, maxLength: 8 }), { maxLength: 6 }),
        async (batches) => {
          const deps = await testDeps();
          try {
            const seen = new Map<string, number>();
            for (const batch of batches) {
              const rows = batch.map((p) => push(p.source, p.key, p.body));
              const stored = await deps.writer.run((tx) => storePushes(tx, rows));
              const db = await deps.db.select().from(inbox).orderBy(asc(inbox.id));
              const byId = new Map(db.map((r) => [r.id, r]));
              stored.forEach((s, i) => {
                const row = byId.get(s.id)!;
                const k = `${rows[i]!.source}/${rows[i]!.dedupeKey}`;
                expect(row.source).toBe(rows[i]!.source);
                expect(row.headers).toEqual(rows[i]!.headers);
                if (!seen.has(k)) {
                  expect(s.duplicate).toBe(false);
                  expect(row.dedupeKey).toBe(rows[i]!.dedupeKey);
                  expect(row.status).toBe("received");
                  seen.set(k, s.id);
                } else {
                  expect(s.duplicate).toBe(true);
                  expect(row.status).toBe("duplicate");
                  expect(s.duplicateOf).toBe(seen.get(k));
                }
              });
            }
            // Every stored row was answered to exactly one push.
            const rows = await deps.db.select({ id: inbox.id }).from(inbox);
            expect(rows).toHaveLength(batches.flat().length);
          } finally {
            await deps.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
