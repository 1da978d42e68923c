import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import { assertLockArgs, assertTtl } from "./args.ts";
import { LuaScript } from "./lua-script.ts";
import type { ClosableLock, LockHandle, LockLogger, LockOptions } from "./types.ts";

// SET NX PX and INCR in one script, so every successful acquire gets a fence and no fence is
// spent on a failed one. A missing counter is seeded from the server clock in microseconds
// rather than starting at 1: if Redis loses the counter (flush, eviction, no persistence), fences
// still exceed the ones the database already stored. TIME is allowed here because Redis >= 5
// replicates scripts by effects.
const ACQUIRE = new LuaScript(`
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return false end
if redis.call('EXISTS', KEYS[2]) == 0 then
  local t = redis.call('TIME')
  redis.call('SET', KEYS[2], t[1] .. string.format('%06d', tonumber(t[2])))
end
return redis.call('INCR', KEYS[2])
`);

const RELEASE = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

const EXTEND = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`);

export interface RedisLockOptions {
  /** Prepended to every key; default "anchorbot:lock:". */
  prefix?: string;
  logger?: LockLogger;
  /** Retry delays while waiting: exponential from `minMs` to `maxMs`, each jittered down by up to half. */
  backoff?: { minMs: number; maxMs: number };
}

/**
 * Redis lock for several processes. Waiting is polling with jittered backoff: a blocking
 * primitive (BLPOP, pub/sub) would need a connection per waiter, and contention on one key is
 * rare on the hot path by design (SPEC §6).
 *
 * The lock owns `client`: close() quits it. Waits are bounded by `waitMs` plus one command; give
 * the client a `commandTimeout` (createLock does) so a hung server cannot stretch that.
 */
export class RedisLock implements ClosableLock {
  readonly #client: Redis;
  readonly #prefix: string;
  readonly #logger: LockLogger | undefined;
  readonly #backoff: { minMs: number; maxMs: number };

  constructor(client: Redis, opts: RedisLockOptions = {}) {
    this.#client = client;
    this.#prefix = opts.prefix ?? "anchorbot:lock:";
    this.#logger = opts.logger;
    this.#backoff = opts.backoff ?? { minMs: 5, maxMs: 100 };
  }

  async acquire(key: string, opts: LockOptions): Promise<LockHandle | null> {
    assertLockArgs(key, opts);
    const redisKey = this.#prefix + key;
    const token = randomUUID();
    const deadline = performance.now() + opts.waitMs;
    let delay = this.#backoff.minMs;
    for (;;) {
      const fence = await ACQUIRE.run(this.#client, [redisKey, `${redisKey}:fence`], [token, opts.ttlMs]);
      if (typeof fence === "number") return this.#handle(key, redisKey, token, fence);
      const remaining = deadline - performance.now();
      if (remaining <= 0) return null;
      await sleep(Math.min(remaining, delay * (0.5 + Math.random() / 2)));
      delay = Math.min(delay * 2, this.#backoff.maxMs);
    }
  }

  async close(): Promise<void> {
    if (this.#client.status !== "end") await this.#client.quit();
  }

  #handle(key: string, redisKey: string, token: string, fence: number): LockHandle {
    return {
      key,
      token,
      fence,
      release: async () => {
        try {
          return (await RELEASE.run(this.#client, [redisKey], [token])) === 1;
        } catch (err) {
          this.#logger?.warn({ err, key }, "lock release failed; the lease will expire on its own");
          throw err;
        }
      },
      extend: async (ttlMs) => {
        assertTtl(ttlMs);
        return (await EXTEND.run(this.#client, [redisKey], [token, ttlMs])) === 1;
      },
    };
  }
}
