import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { createDeps } from "../../src/deps.ts";
import { parseEnv } from "../../src/env.ts";
import { manualClock } from "../../src/shared/clock.ts";
import { createLogger } from "../../src/shared/logger.ts";
import { api } from "../helpers/api.ts";
import { settle, type TestDeps, testDeps } from "../helpers/deps.ts";
import { fixtureJson } from "../helpers/push.ts";

const vector = fixtureJson<{
  keys: { apiv3_key: string; platform_public_key_id: string; platform_public_key_pem: string };
  request: { headers: Record<string, string>; body: string };
}>("wechatpay-v3-vector.json");

let deps: TestDeps | undefined;
afterEach(async () => {
  await deps?.close();
  deps = undefined;
});

describe("WeChat Pay notifications at /webhooks/wechatpay", () => {
  it("verify, decrypt and deduct the order's stock once", async () => {
    deps = await testDeps({
      WECHATPAY_PLATFORM_PUBLIC_KEY: vector.keys.platform_public_key_pem.replace(/\n/g, "\\n"),
      WECHATPAY_PLATFORM_PUBLIC_KEY_ID: vector.keys.platform_public_key_id,
      WECHATPAY_APIV3_KEY: vector.keys.apiv3_key,
    });
    deps.clock.set(Number(vector.request.headers["Wechatpay-Timestamp"]) * 1000);
    const a = api(deps);
    await a.putSku("SKU-1", { on_hand: 10 });
    expect(
      (await a.createOrder("OOS20261128150455A1B2", [{ sku: "SKU-1", qty: 2, unit_price: 7900 }])).status,
    ).toBe(201);
    const send = () =>
      a.app.request("/webhooks/wechatpay", {
        method: "POST",
        headers: vector.request.headers,
        body: vector.request.body,
      });
    const res = await send();
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toEqual({ code: "SUCCESS", message: "成功" });
    expect((await send()).headers.get("x-duplicate-of")).not.toBeNull();
    await settle(deps);
    expect((await a.sku("SKU-1")).body).toMatchObject({ on_hand: 8, reserved: 0 });
    expect((await a.call("GET", "/orders/OOS20261128150455A1B2")).body.status_anchor).toBe("paid");
  });

  it("refuses a tampered notification with 401", async () => {
    deps = await testDeps({
      WECHATPAY_PLATFORM_PUBLIC_KEY: vector.keys.platform_public_key_pem,
      WECHATPAY_PLATFORM_PUBLIC_KEY_ID: vector.keys.platform_public_key_id,
      WECHATPAY_APIV3_KEY: vector.keys.apiv3_key,
    });
    deps.clock.set(Number(vector.request.headers["Wechatpay-Timestamp"]) * 1000);
    const res = await api(deps).app.request("/webhooks/wechatpay", {
      method: "POST",
      headers: vector.request.headers,
      body: vector.request.body.replace("TRANSACTION.SUCCESS", "TRANSACTION.SUCCEED"),
    });
    expect(res.status).toBe(401);
  });
});

describe("npm run job -- expire-reservations", () => {
  it("releases expired reservations in the configured database and prints what it did", async () => {
    const dir = mkdtempSync(join(tmpdir(), "anchorbot-job-"));
    try {
      const env = {
        DATABASE_URL: `file:${join(dir, "a.db")}`,
        DATA_DIR: dir,
        LOG_LEVEL: "silent",
        API_TOKEN: "test-token-0123456789abcdef",
      };
      // An order placed 20 minutes ago, through the real API on the same file.
      const clock = manualClock(Date.now() - 20 * 60_000);
      const d = await createDeps(parseEnv(env), env.API_TOKEN, { clock, logger: createLogger("silent") });
      const a = api(Object.assign(d, { clock }) as TestDeps);
      await a.putSku("SKU-1", { on_hand: 10 });
      expect((await a.createOrder("J1", [{ sku: "SKU-1", qty: 3 }])).status).toBe(201);
      await settle(d);
      await d.close();

      const { stdout } = await promisify(execFile)(
        "npm",
        ["run", "--silent", "job", "--", "expire-reservations"],
        {
          cwd: join(import.meta.dirname, "../.."),
          env: { ...process.env, ...env },
        },
      );
      expect(stdout).toMatch(/expire-reservations: ok orders=1 units=3/);

      const d2 = await createDeps(parseEnv(env), env.API_TOKEN, { logger: createLogger("silent") });
      const after = await api(Object.assign(d2, { clock }) as TestDeps).sku("SKU-1");
      expect(after.body).toMatchObject({ reserved: 0, available: 9 });
      await d2.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("names the jobs when asked for one that does not exist", async () => {
    const run = promisify(execFile)("npm", ["run", "--silent", "job", "--", "nope"], {
      cwd: join(import.meta.dirname, "../.."),
    });
    await expect(run).rejects.toMatchObject({
      stderr: expect.stringMatching(/unknown job "nope"[\s\S]*expire-reservations/),
    });
  }, 60_000);
});
