import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

let child: ChildProcess | undefined;
const dir = mkdtempSync(join(tmpdir(), "anchorbot-boot-"));
afterAll(() => {
  // npm does not pass signals on to the service it started: end the whole process group.
  if (child?.pid) process.kill(-child.pid, "SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

describe("npm start", () => {
  it("boots on an embedded file database and answers /healthz", async () => {
    const port = await freePort();
    child = spawn("npm", ["start", "--silent"], {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: "127.0.0.1",
        DATA_DIR: dir,
        DATABASE_URL: `file:${join(dir, "anchor.db")}`,
        API_TOKEN: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    let body: unknown;
    for (let i = 0; i < 150 && body === undefined; i++) {
      await new Promise((r) => setTimeout(r, 200));
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (res.ok) body = await res.json();
      } catch {
        // not listening yet
      }
      if (child.exitCode !== null) break;
    }
    expect(body, `service output:\n${output}`).toEqual({ ok: true });
    // A token was generated and printed once, and the API refuses requests without it.
    const m = /generated an API token[^\n]*\n\s+(\S+)/.exec(output);
    expect(m, output).not.toBeNull();
    const denied = await fetch(`http://127.0.0.1:${port}/api/v1/orders/X`);
    expect(denied.status).toBe(401);
    const allowed = await fetch(`http://127.0.0.1:${port}/api/v1/orders/X`, {
      headers: { authorization: `Bearer ${m![1]}` },
    });
    expect(allowed.status).toBe(404);
  }, 60_000);
});
