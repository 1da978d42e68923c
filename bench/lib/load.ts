import { type ChildProcess, spawn } from "node:child_process";
import { Agent, request } from "node:http";
import { join } from "node:path";

const root = join(import.meta.dirname, "../..");

export interface Server {
  port: number;
  child: ChildProcess;
  stop(): void;
}

/** Starts bench/lib/serve.ts in a child process and waits for its port. */
export function startServer(args: string[]): Promise<Server> {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "bench/lib/serve.ts"), ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve({ port: Number(m[1]), child, stop: () => child.kill("SIGKILL") });
    });
    child.on("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
  });
}

export interface Req {
  path: string;
  body: Buffer;
  headers: Record<string, string>;
}

export function post(agent: Agent, port: number, r: Req): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, host: "127.0.0.1", port, method: "POST", path: r.path, headers: { ...r.headers, "content-length": r.body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on("error", reject);
    req.end(r.body);
  });
}

export function get(port: number, path: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    request({ host: "127.0.0.1", port, path, headers }, (res) => {
      let s = "";
      res.on("data", (c) => (s += c));
      res.on("end", () => resolve(s));
    })
      .on("error", reject)
      .end();
  });
}

/** Sends every request with `concurrency` in flight; returns requests/s and the statuses seen. */
export async function blast(port: number, reqs: Req[], concurrency: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const statuses = new Map<number, number>();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < reqs.length) {
        const r = reqs[next++]!;
        const { status } = await post(agent, port, r);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { perSecond: reqs.length / seconds, seconds, statuses };
}

export const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits });
