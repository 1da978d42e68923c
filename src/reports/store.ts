import { and, desc, eq, gte } from "drizzle-orm";
import type { Reader, Tx } from "../db/client.ts";
import { reports } from "../db/schema/index.ts";

export type ReportRow = typeof reports.$inferSelect;

/**
 * Stores a report. The text may name the row's own id (the chart link), so it is written once
 * the id is known, in the same transaction.
 */
export async function saveReport(
  tx: Tx,
  input: {
    kind: string;
    day: string;
    figures: Record<string, number>;
    png: Buffer | null;
    now: number;
    markdown: (id: number) => string;
  },
): Promise<ReportRow> {
  const [row] = await tx
    .insert(reports)
    .values({
      kind: input.kind,
      day: input.day,
      markdown: "",
      figures: input.figures,
      png: input.png ? input.png.toString("base64") : null,
      createdAt: input.now,
    })
    .returning();
  const markdown = input.markdown(row!.id);
  await tx.update(reports).set({ markdown }).where(eq(reports.id, row!.id));
  return { ...row!, markdown };
}

export async function getReport(db: Reader, id: number): Promise<ReportRow | undefined> {
  const [row] = await db.select().from(reports).where(eq(reports.id, id));
  return row;
}

/** The newest report of a kind (for a day, and stored no earlier than `since`, when given). */
export async function latestReport(
  db: Reader,
  q: { kind: string; day?: string; since?: number },
): Promise<ReportRow | undefined> {
  const [row] = await db
    .select()
    .from(reports)
    .where(
      and(
        eq(reports.kind, q.kind),
        q.day === undefined ? undefined : eq(reports.day, q.day),
        q.since === undefined ? undefined : gte(reports.createdAt, q.since),
      ),
    )
    .orderBy(desc(reports.id))
    .limit(1);
  return row;
}
