export { processDue, RECEIVED_GRACE_MS } from "./process-due.ts";
export { MAX_ATTEMPTS, type ProcessOutcome, processPush, retryDelayMs } from "./process-push.ts";
export { recordRejection, type StoredPush, storePush } from "./store-push.ts";
