import { Redis } from "ioredis";
import { MemoryLock } from "./memory-lock.ts";
import { RedisLock } from "./redis-lock.ts";
import type { ClosableLock, LockLogger } from "./types.ts";

export { MemoryLock, type MemoryLockOptions } from "./memory-lock.ts";
export { RedisLock, type RedisLockOptions } from "./redis-lock.ts";
export type { ClosableLock, Lock, LockHandle, LockLogger, LockOptions } from "./types.ts";
export { LockTimeoutError, withLock } from "./with-lock.ts";

export interface CreateLockOptions {
  /** Use Redis when set (several processes share locks); otherwise an in-process lock. */
  redisUrl?: string;
  logger?: LockLogger;
  /** Redis key prefix; default "anchorbot:lock:". */
  prefix?: string;
}

// Lock commands fail fast rather than queue behind a dead connection, so acquire's wait stays
// bounded and a caller sees an error instead of hanging.
const COMMAND_TIMEOUT_MS = 2_000;

export function createLock(opts: CreateLockOptions = {}): ClosableLock {
  const { redisUrl, logger, prefix } = opts;
  if (redisUrl === undefined || redisUrl === "") return new MemoryLock({ logger });
  const client = new Redis(redisUrl, { commandTimeout: COMMAND_TIMEOUT_MS, maxRetriesPerRequest: 1 });
  // Without a listener ioredis prints every reconnect error to stderr; route it to the logger.
  client.on("error", (err: unknown) => logger?.warn({ err }, "lock redis connection error"));
  return new RedisLock(client, { logger, prefix });
}
