import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { type Agent, request } from "node:http";
import { join } from "node:path";
import autocannon from "autocannon";

const root = join(import.meta.dirname, "../..");

export interface Server {
  port: number;
  child: ChildProcess;
  stop(): void;
}

/**
 * The V8 flags `npm start` gives the service (package.json), so servers here run as deployed: a
 * larger young generation halves the time the order path spends collecting garbage.
 */
const NODE_FLAGS = (
  JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: { start: string } }
).scripts.start
  .split(/\s+/)
  .filter((a) => /^--max-[\w-]+=\d+$/.test(a));

/** Starts bench/lib/serve.ts in its own process (so the load generator has its own core). */
export function startServer(args: string[]): Promise<Server> {
  const child = spawn(
    process.execPath,
    [
      ...NODE_FLAGS,
      ...(process.env.BENCH_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROF}`] : []),
      "--import",
      "tsx",
      join(root, "bench/lib/serve.ts"),
      ...args,
    ],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /PORT (\d+)/.exec(out);
      if (m)
        resolve({
          port: Number(m[1]),
          child,
          stop: () => child.kill(process.env.BENCH_PROF ? "SIGINT" : "SIGKILL"),
        });
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
      {
        agent,
        host: "127.0.0.1",
        port,
        method: "POST",
        path: r.path,
        headers: { ...r.headers, "content-length": r.body.length },
      },
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
      res.on("data", (c) => {
        s += c;
      });
      res.on("end", () => resolve(s));
    })
      .on("error", reject)
      .end();
  });
}

/**
 * Sends `amount` requests built by `make(i)` with autocannon (a load generator far faster than
 * Node's own http client, so the server, not the client, is what is measured).
 */
export async function blast(port: number, amount: number, connections: number, make: (i: number) => Req) {
  let i = 0;
  let last = 0;
  const byStatus: Record<number, number> = {};
  const started = performance.now();
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    amount,
    requests: [
      {
        method: "POST",
        setupRequest: (req) => {
          const r = make(i++);
          return { ...req, path: r.path, body: r.body, headers: { ...req.headers, ...r.headers } };
        },
        onResponse: (status: number) => {
          last = performance.now();
          byStatus[status] = (byStatus[status] ?? 0) + 1;
        },
      },
    ],
  });
  // First request to last answer on our own clock: autocannon finishes a run (and measures its
  // `duration`) on its one-second tick, so a run of 5.2 s read as 6.01 s and rates jumped between
  // two values.
  const seconds = ((last || performance.now()) - started) / 1000;
  return {
    perSecond: result.requests.total / seconds,
    seconds,
    /** Answers by HTTP status. */
    byStatus,
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors,
    p99Ms: result.latency.p99,
  };
}

export const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits });
