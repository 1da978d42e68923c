import type { LockOptions } from "./types.ts";

/**
 * Both implementations reject the same arguments, so code tested on the memory lock behaves the
 * same on Redis. Keys ending in ":fence" are refused because Redis keeps each key's fencing
 * counter under `<key>:fence`; such a key would collide with another key's counter.
 */
export function assertLockArgs(key: string, opts: LockOptions): void {
  if (key.length === 0) throw new RangeError("lock key must not be empty");
  if (key.endsWith(":fence")) throw new RangeError(`lock key must not end with ":fence": ${key}`);
  assertTtl(opts.ttlMs);
  if (!Number.isInteger(opts.waitMs) || opts.waitMs < 0) {
    throw new RangeError(`waitMs must be a non-negative integer, got ${opts.waitMs}`);
  }
}

export function assertTtl(ttlMs: number): void {
  if (!Number.isInteger(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`ttlMs must be a positive integer, got ${ttlMs}`);
  }
}
