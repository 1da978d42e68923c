import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";

export interface RedisTestEnv {
  readonly url: string;
  /** True only when Redis is unreachable and not required: pass to describe.skipIf. */
  readonly skip: boolean;
  /** A new connection, closed after the file's tests. */
  connect(): Redis;
  /** A key prefix no other test or test file uses. */
  uniquePrefix(): string;
  /** Deletes every key under `prefix`. */
  deleteKeys(prefix: string): Promise<void>;
}

/**
 * Probes Redis once, at the top of a test file (top-level await), before any describe:
 *
 *   const redis = await redisOrSkip("RedisLock");
 *   describe.skipIf(redis.skip)("RedisLock", () => { ... });
 *
 * Unreachable and REQUIRE_REDIS unset: warns and the suite is skipped. Unreachable and
 * REQUIRE_REDIS=1: the suite is not skipped and a beforeAll throws, so every test fails.
 */
export async function redisOrSkip(suite: string): Promise<RedisTestEnv> {
  const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const required = process.env.REQUIRE_REDIS === "1";
  const problem = await probe(url);
  if (problem !== null && !required) {
    console.warn(`Redis not reachable at ${url} (${problem}): skipping ${suite}`);
  }

  const clients: Redis[] = [];
  let admin: Redis | undefined;
  beforeAll(() => {
    if (problem !== null && required) {
      throw new Error(`Redis not reachable at ${url} (${problem}) and REQUIRE_REDIS=1: ${suite} fails`);
    }
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
  });

  const connect = (): Redis => {
    const client = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2_000 });
    clients.push(client);
    return client;
  };

  return {
    url,
    skip: problem !== null && !required,
    connect,
    uniquePrefix: () => `anchorbot-test:${randomUUID()}:`,
    async deleteKeys(prefix) {
      admin ??= connect();
      const pattern = `${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`;
      let cursor = "0";
      do {
        const [next, keys] = await admin.scan(cursor, "MATCH", pattern, "COUNT", 500);
        if (keys.length > 0) await admin.unlink(...keys);
        cursor = next;
      } while (cursor !== "0");
    },
  };
}

/** Null when Redis answered PING, else why not. */
async function probe(url: string): Promise<string | null> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // connect() only rejects with "Connection is closed."; the socket error says why.
  let cause: string | undefined;
  client.on("error", (err: Error) => {
    cause ??= err.message;
  });
  try {
    await client.connect();
    await client.ping();
    await client.quit();
    return null;
  } catch (err) {
    client.disconnect();
    return cause ?? (err instanceof Error ? err.message : String(err));
  }
}
