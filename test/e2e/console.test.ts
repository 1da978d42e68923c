import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { miniappOrder } from "../helpers/push.ts";
import { type Service, startService } from "../helpers/service.ts";

const root = join(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "anchorbot-console-"));
const TOKEN = "console-test-token-0123456789";
const env = { DATA_DIR: dir, DATABASE_URL: `file:${join(dir, "anchor.db")}`, API_TOKEN: TOKEN };
let svc: Service;

/** Runs `npm run <script>` as a user would; returns what it printed. */
function npmRun(
  script: string,
  args: string[],
  stdin?: string,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "--silent", script, "--", ...args], {
      cwd: root,
      env: { ...process.env, ...env, LOG_LEVEL: "warn" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => resolve({ code, out }));
    child.stdin.end(stdin ?? "");
  });
}

const chat = (args: string[], stdin?: string) => npmRun("chat", args, stdin);

beforeAll(async () => {
  svc = await startService(env);
  const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
  const sku = await fetch(`${svc.url}/api/v1/skus/SKU-1`, {
    method: "PUT",
    headers,
    body: JSON.stringify({ on_hand: 50, safety_stock: 5 }),
  });
  expect(sku.status).toBe(200);
  const created = await fetch(`${svc.url}/api/v1/orders`, {
    method: "POST",
    headers,
    body: JSON.stringify(miniappOrder({ order_no: "M20260118001" })),
  });
  expect(created.status, await created.clone().text()).toBe(201);
  // The created event is applied in the background; wait until the order can be read.
  for (let i = 0; i < 100; i++) {
    const r = await fetch(`${svc.url}/api/v1/orders/M20260118001`, { headers });
    if (r.ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
}, 60_000);

afterAll(async () => {
  await svc?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("npm run chat", () => {
  it("runs one command against the service's database and prints the order card", async () => {
    const { code, out } = await chat(["查单 M20260118001"]);
    expect(code, out).toBe(0);
    expect(out).toContain("【订单 M20260118001 · 已下单】");
    expect(out).toContain("[1] 为什么");
    expect(out).toContain("买家:13800000000"); // the console user is the local admin
  });

  it("masks the phone for --role agent and refuses what an agent may not do", async () => {
    const { out } = await chat(["--role", "agent", "查单 13800000000"]);
    expect(out).toContain("买家:138****0000");
    expect(out).toContain("收货:浙江省 杭州市 西湖区 ****");
    expect(out).not.toContain("文三路");
    const refused = await chat(["--role", "agent", "用户 添加 wecom zs agent"]);
    expect(refused.out).toContain("需要角色 管理员(admin)");
  });

  it("runs an interactive session where a number clicks a button on the last card", async () => {
    const { code, out } = await chat([], "查单 M20260118001\n1\n");
    expect(code, out).toBe(0);
    expect(out).toContain("anchorbot 控制台");
    expect(out).toContain("现在是「已下单」");
    expect(out).toContain("miniapp.created");
  });

  it("maps a user to a role with npm run users, and the console honours the mapping", async () => {
    const added = await npmRun("users", ["add", "console", "zhangsan", "agent", "张三"]);
    expect(added.code, added.out).toBe(0);
    expect(added.out).toContain("console zhangsan is now agent");
    const listed = await npmRun("users", ["list"]);
    expect(listed.out).toMatch(/console\tzhangsan\tagent\t张三/);
    const { out } = await chat(["--user", "zhangsan", "查单 M20260118001"]);
    expect(out).toContain("买家:138****0000");
    const bad = await npmRun("users", ["add", "wecom", "x", "boss"]);
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('unknown role "boss"');
  });

  it("runs the SLA job now with npm run job -- sla", async () => {
    const { code, out } = await npmRun("job", ["sla"]);
    expect(code, out).toBe(0);
    expect(out).toMatch(/sla: ok escalated=0 frozen=0/);
  });

  it("rejects an unknown role with the list of roles", async () => {
    const { code, out } = await chat(["--role", "boss", "帮助"]);
    expect(code).toBe(2);
    expect(out).toContain("unknown role");
  });
});
