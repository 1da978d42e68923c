/** How long to hold the lock and how long to queue for it. Both in milliseconds. */
export interface LockOptions {
  /** Lease length: a holder that neither releases nor extends is evicted after this long. */
  ttlMs: number;
  /** Upper bound on waiting for the current holder; 0 means "try once". */
  waitMs: number;
}

export interface LockHandle {
  readonly key: string;
  /** Unique per acquisition; release and extend only act while this token still owns the key. */
  readonly token: string;
  /**
   * Strictly greater than the fence of every earlier holder of the same key. Conditional writes
   * compare it with the last fence they stored, so a holder whose lease ran out cannot write
   * after a newer holder has.
   */
  readonly fence: number;
  /** True when this handle still held the lock and freed it; false when it had already lost it. */
  release(): Promise<boolean>;
  /** Resets the lease to `ttlMs` from now; false (and no effect) when the handle no longer holds it. */
  extend(ttlMs: number): Promise<boolean>;
}

export interface Lock {
  /** Resolves to null when the lock could not be taken within `waitMs`. Never blocks the event loop. */
  acquire(key: string, opts: LockOptions): Promise<LockHandle | null>;
}

/** A Lock that owns resources (timers, a connection) and can be shut down. */
export interface ClosableLock extends Lock {
  close(): Promise<void>;
}

/** The slice of a pino logger the lock uses. */
export interface LockLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
}
