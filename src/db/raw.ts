import type { InValue, ResultSet } from "@libsql/client";
import type { Tx } from "./client.ts";

type Executor = { execute(stmt: { sql: string; args: InValue[] }): Promise<ResultSet> };

/**
 * The libSQL handle under a drizzle transaction. Only for the few hot multi-row inserts: drizzle's
 * builder spends ~50 µs a row mapping values there, more than SQLite spends storing them.
 */
function executor(tx: Tx): Executor {
  const session = (tx as unknown as { session: { tx?: Executor; client: Executor } }).session;
  return session.tx ?? session.client;
}

/**
 * One statement on the transaction's connection, without drizzle's query building (which cost
 * more than running the statement on the reservation path). Keep the SQL text fixed — pass lists
 * as one JSON argument read with `json_each` — so the statement cache prepares it once.
 */
export function execRaw(tx: Tx, sql: string, args: InValue[]): Promise<ResultSet> {
  return executor(tx).execute({ sql, args });
}

/**
 * INSERT of many rows in one statement, values already in column order and driver form (JSON as
 * text, booleans as 0/1). `tail` adds ON CONFLICT / RETURNING clauses. Chunked to stay under
 * SQLite's limit on bound variables.
 */
export async function insertRows(
  tx: Tx,
  table: string,
  columns: readonly string[],
  rows: readonly InValue[][],
  tail = "",
): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  const per = Math.max(1, Math.floor(30_000 / columns.length));
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    const rs = await executor(tx).execute({
      sql: insertSql(table, columns, chunk.length, tail),
      args: chunk.flat(),
    });
    for (const r of rs.rows) out.push(r as Record<string, unknown>);
  }
  return out;
}

/** `INSERT INTO table (columns) VALUES (?, …), … tail` for `n` rows. */
export function insertSql(table: string, columns: readonly string[], n: number, tail = ""): string {
  const tuple = `(${columns.map(() => "?").join(", ")})`;
  return `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES ${Array(n).fill(tuple).join(", ")} ${tail}`;
}
