import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { type Client, type Config, createClient } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { type HotReader, openHotReader } from "./hot-reader.ts";
import * as schema from "./schema/index.ts";
import { installStatementCache } from "./statement-cache.ts";

export type Schema = typeof schema;
/** `createClient` of `@libsql/client` (Node: files and remote) or of `@libsql/client/web` (Workers). */
export type ClientFactory = (config: Config) => Client;
export type Db = LibSQLDatabase<Schema>;
/** What a verb gets inside a write: the transaction (or a savepoint of it). */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** Reads accept either the plain database or a transaction. */
export type Reader = Db | Tx;

export interface Database {
  /** For reads; on an embedded file it is a separate pool, so reads never wait behind a write batch. */
  db: Db;
  /** The single writer connection; only the Writer uses it. */
  writeDb: Db;
  kind: "file" | "memory" | "remote";
  /** The raw read client, for benchmarks' baselines. */
  readClient: Client;
  /** Prepared-statement reads for hot paths; embedded files only (null for :memory: and remote). */
  hot: HotReader | null;
  close(): void;
}

function kindOf(url: string): Database["kind"] {
  if (url === ":memory:" || url.startsWith("file::memory:")) return "memory";
  if (url.startsWith("file:")) return "file";
  return "remote";
}

/**
 * Opens the database. An embedded file gets one writer connection (so PRAGMAs set once stay in
 * force and writes are serialised by the Writer) and a small read pool. `:memory:` must use one
 * connection for everything: a second connection would be a second, empty database.
 */
export async function openDatabase(
  url: string,
  authToken?: string,
  /** Several processes share this file: let SQLite itself wait for the write lock. */
  shared = false,
  /**
   * Makes the client. Workers pass `@libsql/client/web`'s, which speaks only HTTP/WebSocket; the
   * native-binding pieces below (statement cache, hot reader) are then never touched, since they
   * serve embedded files only.
   */
  open: ClientFactory = createClient,
): Promise<Database> {
  const kind = kindOf(url);
  if (kind !== "remote") installStatementCache();
  if (kind === "file") {
    const path = url.slice("file:".length).split("?")[0]!;
    if (path) mkdirSync(dirname(path), { recursive: true });
  }
  const writer: Client = open({ url, authToken, concurrency: 1 });
  if (kind === "file") {
    await writer.execute("PRAGMA journal_mode=WAL");
    await writer.execute("PRAGMA synchronous=NORMAL");
    // The order path reads inside its write transaction (anomaly rules, stock): map the file so
    // those random look-ups cost no read() syscalls, as the hot reader does.
    await writer.execute("PRAGMA mmap_size=1073741824");
    // Alone, keep SQLite's own busy wait short (it blocks the event loop) and let the Writer retry
    // asynchronously. Shared with other processes, polling from JavaScript loses the race for the
    // lock to a busy neighbour again and again; SQLite's busy handler is what keeps it fair enough,
    // at the price of the event loop waiting with it.
    await writer.execute(`PRAGMA busy_timeout=${shared ? 2000 : 5}`);
  }
  const reader: Client = kind === "file" ? open({ url, concurrency: 4 }) : writer;
  const hot = kind === "file" ? openHotReader(url.slice("file:".length).split("?")[0] as string) : null;
  return {
    db: drizzle(reader, { schema }),
    writeDb: drizzle(writer, { schema }),
    kind,
    readClient: reader,
    hot,
    close() {
      hot?.close();
      if (reader !== writer) reader.close();
      writer.close();
    },
  };
}
