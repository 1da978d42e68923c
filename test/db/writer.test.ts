import { eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { inbox } from "../../src/db/schema/index.ts";
import { type TestDeps, testDeps } from "../helpers/deps.ts";

let deps: TestDeps;
afterEach(async () => deps?.close());

const row = (n: number) => ({
  source: "miniapp",
  receivedAt: n,
  headers: {},
  bodySize: 0,
  status: "received" as const,
  dedupeKey: `k${n}`,
});

describe("writer (group commit)", () => {
  it("commits concurrent writes and rolls back only the one that failed", async () => {
    deps = await testDeps();
    const ops = Array.from({ length: 50 }, (_, i) =>
      deps.writer.run(async (tx) => {
        await tx.insert(inbox).values(row(i));
        if (i === 17) throw new Error("boom");
        return i;
      }),
    );
    const settled = await Promise.allSettled(ops);
    expect(settled.filter((s) => s.status === "rejected")).toHaveLength(1);
    expect((settled[17] as PromiseRejectedResult).reason.message).toBe("boom");
    const [{ n }] = (await deps.db.select({ n: sql<number>`count(*)` }).from(inbox)) as [{ n: number }];
    expect(n).toBe(49);
    expect(await deps.db.select().from(inbox).where(eq(inbox.dedupeKey, "k17"))).toHaveLength(0);
  });

  it("serialises read-check-write ops so no two see the same state", async () => {
    deps = await testDeps();
    await deps.writer.run((tx) => tx.insert(inbox).values({ ...row(0), attempts: 0 }));
    await Promise.all(
      Array.from({ length: 100 }, () =>
        deps.writer.run(async (tx) => {
          const [r] = await tx.select({ a: inbox.attempts }).from(inbox).where(eq(inbox.dedupeKey, "k0"));
          await new Promise((res) => setImmediate(res));
          await tx
            .update(inbox)
            .set({ attempts: r!.a + 1 })
            .where(eq(inbox.dedupeKey, "k0"));
        }),
      ),
    );
    const [r] = await deps.db.select({ a: inbox.attempts }).from(inbox).where(eq(inbox.dedupeKey, "k0"));
    expect(r!.a).toBe(100);
  });
});
