export { processDue, RECEIVED_GRACE_MS } from "./process-due.ts";
export {
  MAX_ATTEMPTS,
  type ProcessItem,
  type ProcessOutcome,
  processPush,
  processPushes,
  retryDelayMs,
} from "./process-push.ts";
export { createProcessor, type Processor } from "./processor.ts";
export { receivePush } from "./receive-push.ts";
export { type FailedPush, listFailedPushes, replayPush } from "./replay-push.ts";
export {
  createPushStore,
  type PushStore,
  recordRejection,
  type StoredPush,
  storePushes,
} from "./store-push.ts";
