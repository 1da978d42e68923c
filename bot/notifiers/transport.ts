import type { Notice } from "../../src/shared/notifier.ts";
import type { Card } from "../card.ts";

/**
 * One target's protocol. `prepare` is synchronous so `Notifier.send` can enqueue and return at
 * once; `deliver` does one platform call and throws PlatformError (retryable or not).
 */
export interface Transport<M> {
  /** The messages one notice becomes, in send order, each within the platform's limits. */
  prepare(notice: Notice, card: Card | undefined): M[];
  deliver(message: M, signal: AbortSignal): Promise<void>;
}
