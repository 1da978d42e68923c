import { createDeps, type Deps } from "../../src/deps.ts";
import { parseEnv } from "../../src/env.ts";
import { MemoryLock } from "../../src/lock/index.ts";
import { type ManualClock, manualClock } from "../../src/shared/clock.ts";
import { createLogger } from "../../src/shared/logger.ts";
import { memoryNotifier, type Notice } from "../../src/shared/notifier.ts";

export const TEST_TOKEN = "test-token-0123456789abcdef";
export const SECRETS = {
  SOURCE_SECRET_MINIAPP: "miniapp-secret",
  SOURCE_SECRET_WMS: "wms-secret",
  SOURCE_SECRET_PAYMENT: "payment-secret",
  SOURCE_SECRET_TAOBAO: "taobao-secret",
  SOURCE_SECRET_PDD: "pdd-secret",
  SOURCE_SECRET_SHOPEE: "shpk5a4d7e0c9b8f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1",
  SOURCE_SECRET_LOGISTICS: "Xq3Zr8PbT2mW9kLc",
} as const;

/** 2026-11-28 10:00:00 +08:00 */
export const T0 = Date.parse("2026-11-28T02:00:00Z");

export interface TestDeps extends Deps {
  clock: ManualClock;
  notifier: Deps["notifier"] & { sent: Notice[] };
}

/** Deps on a fresh migrated in-memory database, a manual clock and a silent logger. */
export async function testDeps(env: Record<string, string> = {}, lock?: Deps["lock"]): Promise<TestDeps> {
  const config = parseEnv({
    DATABASE_URL: ":memory:",
    LOG_LEVEL: "silent",
    SHOPEE_CALLBACK_URL: "https://oms.example.com/webhooks/shopee/push",
    ...SECRETS,
    ...env,
  });
  const clock = manualClock(T0);
  const notifier = memoryNotifier();
  const deps = await createDeps(config, TEST_TOKEN, {
    clock,
    logger: createLogger("silent"),
    lock: lock ?? new MemoryLock(),
    notifier,
  });
  return Object.assign(deps, { clock, notifier });
}

export const auth = { authorization: `Bearer ${TEST_TOKEN}` };

/** Everything deferred has run: stores committed, background processing done. */
export async function settle(deps: Deps): Promise<void> {
  await deps.tasks.drain();
  await deps.writer.flush();
}
