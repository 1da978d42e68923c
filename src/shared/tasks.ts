import type { Logger } from "pino";

/**
 * Work that runs after an answer was sent ("ack now, work later"). On Node it runs on the event
 * loop; tests and shutdown `drain()` it so nothing is left half done.
 */
export interface Tasks {
  defer(name: string, fn: () => Promise<unknown>): void;
  drain(): Promise<void>;
  readonly pending: number;
}

export function createTasks(logger: Logger): Tasks {
  const running = new Set<Promise<unknown>>();
  return {
    defer(name, fn) {
      const p = Promise.resolve()
        .then(fn)
        .catch((err: unknown) => logger.error({ err, task: name }, "deferred task failed"))
        .finally(() => running.delete(p));
      running.add(p);
    },
    async drain() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    get pending() {
      return running.size;
    },
  };
}
