import { asc, eq, like, or } from "drizzle-orm";
import type { Reader, Tx } from "../db/client.ts";
import { kbEntries } from "../db/schema/index.ts";
import { AppError } from "../errors.ts";

export interface KbEntry {
  keyword: string;
  reply: string;
  updatedBy: string | null;
}

/** Entries whose keyword equals `q`, then those that contain it or that `q` contains. */
export async function searchKb(db: Reader, q: string, limit = 5): Promise<KbEntry[]> {
  const query = q.trim();
  if (!query) return listKb(db);
  const exact = await db.select().from(kbEntries).where(eq(kbEntries.keyword, query));
  if (exact.length > 0) return exact;
  const all = await db
    .select()
    .from(kbEntries)
    .where(or(like(kbEntries.keyword, `%${query.replace(/[%_]/g, "")}%`)))
    .limit(limit);
  if (all.length > 0) return all;
  // The question may contain the keyword ("什么时候发货啊" ⊃ "发货").
  const every = await listKb(db);
  return every.filter((e) => query.includes(e.keyword)).slice(0, limit);
}

export async function listKb(db: Reader): Promise<KbEntry[]> {
  return db.select().from(kbEntries).orderBy(asc(kbEntries.id));
}

export async function upsertKb(tx: Tx, input: { keyword: string; reply: string; by: string; now: number }) {
  const keyword = input.keyword.trim();
  const reply = input.reply.trim();
  if (!keyword || keyword.length > 32) throw new AppError("bad_request", "keyword must be 1–32 characters");
  if (!reply || reply.length > 1000) throw new AppError("bad_request", "reply must be 1–1000 characters");
  const before = await tx.select().from(kbEntries).where(eq(kbEntries.keyword, keyword));
  await tx
    .insert(kbEntries)
    .values({ keyword, reply, updatedBy: input.by, updatedAt: input.now })
    .onConflictDoUpdate({
      target: kbEntries.keyword,
      set: { reply, updatedBy: input.by, updatedAt: input.now },
    });
  return { keyword, reply, previous: before[0]?.reply ?? null };
}

/** Fills {订单号}, {状态}, {物流}, {运单号} in a standard reply; unknown placeholders stay. */
export function fillReply(template: string, values: Record<string, string | undefined>): string {
  return template.replace(/\{([^{}]+)\}/g, (m, k: string) => values[k] ?? m);
}
