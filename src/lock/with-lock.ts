import type { Lock, LockHandle, LockOptions } from "./types.ts";

export class LockTimeoutError extends Error {
  override readonly name = "LockTimeoutError";
  constructor(
    readonly key: string,
    readonly waitMs: number,
  ) {
    super(`could not acquire lock "${key}" within ${waitMs} ms`);
  }
}

/**
 * Runs `fn` while holding `key`, and releases afterwards whatever `fn` did.
 *
 * A failed release never replaces `fn`'s outcome: by then the work is done (or has failed on its
 * own), the lease expires by itself, and reporting the work as failed could make a caller redo
 * it. Implementations log their release failures.
 */
export async function withLock<T>(
  lock: Lock,
  key: string,
  opts: LockOptions,
  fn: (handle: LockHandle) => Promise<T>,
): Promise<T> {
  const handle = await lock.acquire(key, opts);
  if (handle === null) throw new LockTimeoutError(key, opts.waitMs);
  try {
    return await fn(handle);
  } finally {
    await handle.release().catch(() => false);
  }
}
