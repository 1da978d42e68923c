import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { inbox } from "../../src/db/schema/index.ts";
import { createDeps } from "../../src/deps.ts";
import { parseEnv } from "../../src/env.ts";
import { MAX_ATTEMPTS, processDue, retryDelayMs } from "../../src/inbox/index.ts";
import { createLogger } from "../../src/shared/logger.ts";
import { chat } from "../helpers/chat.ts";
import { SECRETS, settle, type TestDeps, testDeps } from "../helpers/deps.ts";
import { client, fixture, fixtureJson } from "../helpers/push.ts";

let deps: TestDeps;
afterEach(async () => deps?.close());

/** A Kuaidi100 push for a waybill no order carries yet: it fails processing and waits for retry. */
function kuaidiForm(name: string) {
  const param = JSON.stringify(fixtureJson(name));
  const sign = createHash("md5")
    .update(param + SECRETS.SOURCE_SECRET_LOGISTICS)
    .digest("hex")
    .toUpperCase();
  return {
    method: "POST",
    body: new URLSearchParams({ param, sign }).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  };
}

describe("重放 / replay in chat", () => {
  it("lets an admin replay a failed push once its cause is fixed, and refuses everyone else", async () => {
    deps = await testDeps();
    const api = client(deps);
    const talk = chat(deps);
    await talk.addUsers({ boss: "admin", agent1: "agent" });
    const res = await api.raw("/webhooks/logistics", kuaidiForm("kuaidi100-push-state_1_collected.json"));
    const id = Number(res.headers.get("x-inbox-id"));
    await settle(deps);

    expect(await talk.sayText("agent1", `重放 ${id}`)).toMatch(/⛔ 「重放」需要角色 管理员\(admin\)/);
    expect(await talk.sayText("boss", "重放 abc")).toMatch(/请给出 inbox 编号,例如:重放 123/);
    expect(await talk.sayText("boss", `replay ${id}`)).toMatch(
      new RegExp(`inbox #${id}\\(logistics\\)重新处理仍失败\\(稍后自动重试\\):.*78498765432109`),
    );

    // The order that carries the waybill arrives; the replay now links the carrier push.
    await api.own("taobao", fixture("taobao-trade-wait_buyer_confirm_goods.json"));
    await settle(deps);
    expect(await talk.sayText("boss", `重放 #${id}`)).toBe(
      `inbox #${id}(logistics)已重新处理成功,涉及 1 个事件。`,
    );
    expect((await api.order("4187652309955501234")).body.status_anchor).toBe("in_transit");
    expect(await talk.sayText("boss", `重放 ${id}`)).toMatch(
      /无法完成:inbox #\d+ 的状态是 processed;只有处理失败\(failed\)或已放弃\(dead\)的推送可以重放/,
    );
    expect(await talk.sayText("boss", "重放 999999")).toMatch(/没有找到:inbox #999999 不存在/);
  });

  it("gives a dead push a fresh set of attempts", async () => {
    deps = await testDeps();
    const api = client(deps);
    const talk = chat(deps);
    await talk.addUsers({ boss: "admin" });
    const res = await api.raw("/webhooks/logistics", kuaidiForm("kuaidi100-push-state_0_in_transit.json"));
    const id = Number(res.headers.get("x-inbox-id"));
    await settle(deps);
    for (let i = 1; i < MAX_ATTEMPTS; i++) {
      deps.clock.advance(retryDelayMs(i));
      await processDue({ db: deps.db, writer: deps.writer, ctx: deps.processContext, now: deps.clock.now });
    }
    const [dead] = await deps.db.select().from(inbox).where(eq(inbox.id, id));
    expect(dead).toMatchObject({ status: "dead", attempts: MAX_ATTEMPTS });
    expect(await talk.sayText("boss", `重放 ${id}`)).toMatch(/重新处理仍失败\(稍后自动重试\)/);
    const [row] = await deps.db.select().from(inbox).where(eq(inbox.id, id));
    expect(row).toMatchObject({ status: "failed", attempts: 1 });
  });
});

describe("npm run inbox -- list|replay", () => {
  it("lists failed pushes and replays one in the configured database", async () => {
    const dir = mkdtempSync(join(tmpdir(), "anchorbot-inbox-"));
    const env = {
      DATABASE_URL: `file:${join(dir, "a.db")}`,
      DATA_DIR: dir,
      LOG_LEVEL: "silent",
      API_TOKEN: "test-token-0123456789abcdef",
      ...SECRETS,
    };
    const run = (...args: string[]) =>
      promisify(execFile)("npm", ["run", "--silent", "inbox", "--", ...args], {
        cwd: join(import.meta.dirname, "../.."),
        env: { ...process.env, ...env },
      });
    try {
      const d = await createDeps(parseEnv(env), env.API_TOKEN, { logger: createLogger("silent") });
      const api = client(d as TestDeps);
      const res = await api.raw("/webhooks/logistics", kuaidiForm("kuaidi100-push-state_1_collected.json"));
      const id = Number(res.headers.get("x-inbox-id"));
      await settle(d);
      await api.own("taobao", fixture("taobao-trade-wait_buyer_confirm_goods.json"), {
        ts: Math.floor(Date.now() / 1000),
      });
      await settle(d);
      await d.close();

      const listed = await run("list");
      expect(listed.stdout).toMatch(new RegExp(`#${id}\\s+failed logistics/.*attempts=1 .*78498765432109`));
      expect((await run("replay", String(id))).stdout).toBe(`#${id} logistics: processed\n`);
      expect((await run("list")).stdout).toBe("no failed or dead pushes\n");
      await expect(run("replay", "x")).rejects.toMatchObject({
        stderr: expect.stringMatching(/needs an inbox id/),
      });
      await expect(run("replay", String(id))).rejects.toMatchObject({
        stderr: expect.stringMatching(/只有处理失败\(failed\)或已放弃\(dead\)的推送可以重放/),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
