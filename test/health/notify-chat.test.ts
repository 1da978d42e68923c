import { describe, expect, it } from "vitest";
import { createChatNotifier } from "../../bot/notifiers/index.ts";
import { createDeps } from "../../src/deps.ts";
import { parseEnv } from "../../src/env.ts";
import { MemoryLock } from "../../src/lock/index.ts";
import { manualClock } from "../../src/shared/clock.ts";
import { createLogger } from "../../src/shared/logger.ts";
import { fakeWecomRobot } from "../fakes/notify.ts";
import { SECRETS, settle, T0, TEST_TOKEN, type TestDeps } from "../helpers/deps.ts";
import { client, miniappOrder } from "../helpers/push.ts";

describe("interface-health warnings through NOTIFY_INTEGRATION", () => {
  it("reach the integration owner's WeCom group robot as soon as a push is refused with 413", async () => {
    const wecom = await fakeWecomRobot(["int-key"]);
    const config = parseEnv({
      DATABASE_URL: ":memory:",
      LOG_LEVEL: "silent",
      BODY_LIMIT: "4kb",
      WECOM_API_BASE: wecom.url,
      NOTIFY_INTEGRATION: "wecom-robot:int-key",
      ...SECRETS,
    });
    const notifier = createChatNotifier({
      config,
      logger: createLogger("silent"),
      options: { delivery: { backoff: { baseMs: 1, maxMs: 4 } } },
    });
    const clock = manualClock(T0);
    const deps = await createDeps(config, TEST_TOKEN, {
      clock,
      notifier,
      logger: createLogger("silent"),
      lock: new MemoryLock(),
    });
    try {
      const api = client(Object.assign(deps, { clock }) as unknown as TestDeps);
      const res = await api.own("miniapp", JSON.stringify(miniappOrder({ note: "x".repeat(5000) })));
      expect(res.status).toBe(413);
      await settle(deps);
      await notifier.flush();
      expect(wecom.accepted).toHaveLength(1);
      expect(wecom.accepted[0]!.content).toContain("【P1】接口健康:miniapp 超过 BODY_LIMIT 被拒(413)");
      expect(wecom.accepted[0]!.content).toMatch(/有 1 个推送超过 BODY_LIMIT\(4 KB\)被拒/);
    } finally {
      await deps.close();
      await notifier.close();
      await wecom.close();
    }
  });
});
