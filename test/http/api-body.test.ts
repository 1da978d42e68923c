import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { type TestDeps, testDeps } from "../helpers/deps.ts";
import { miniappOrder } from "../helpers/push.ts";

/**
 * API bodies over a real Node server: jsonBody reads Node's request directly there (not the
 * WHATWG Request that app.request() builds), so this is the path production takes.
 */
let deps: TestDeps;
let server: ServerType;
let port: number;
const TOKEN = "test-token-0123456789abcdef";

beforeAll(async () => {
  deps = await testDeps();
  server = serve({ fetch: createApp(deps).fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((r) => server.once("listening", () => r()));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await deps.close();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/** POST with the body as given; `chunked` sends it without Content-Length, in two pieces. */
function post(path: string, body: string | Buffer, chunked = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const buf = Buffer.from(body);
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          "content-type": "application/json",
          ...(chunked ? {} : { "content-length": buf.length }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: JSON.parse(Buffer.concat(chunks).toString() || "{}"),
          }),
        );
      },
    );
    req.on("error", reject);
    if (chunked) {
      const half = Math.floor(buf.length / 2);
      req.write(buf.subarray(0, half));
      setTimeout(() => req.end(buf.subarray(half)), 5);
    } else req.end(buf);
  });
}

const order = (no: string) =>
  JSON.stringify(
    miniappOrder({
      order_no: no,
      event_id: undefined,
      event_time: undefined,
      lines: [{ sku: "BODY-1", qty: 1, unit_price: 1000, promo_tag: null }],
      discounts: [],
    }),
  );

describe("JSON bodies read from Node's request", () => {
  beforeAll(async () => {
    const put = await new Promise<number>((resolve, reject) => {
      const b = JSON.stringify({ on_hand: 100 });
      request(
        {
          host: "127.0.0.1",
          port,
          method: "PUT",
          path: "/api/v1/skus/BODY-1",
          headers: {
            authorization: `Bearer ${TOKEN}`,
            "content-type": "application/json",
            "content-length": b.length,
          },
        },
        (r) => {
          r.resume();
          r.on("end", () => resolve(r.statusCode ?? 0));
        },
      )
        .on("error", reject)
        .end(b);
    });
    expect(put).toBe(200);
  });

  it("creates an order from a body with Content-Length and from a chunked one", async () => {
    const a = await post("/api/v1/orders", order("BODY-A"));
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    expect(a.body).toMatchObject({ order_no: "BODY-A", reservation: { lines: [{ sku: "BODY-1", qty: 1 }] } });
    const b = await post("/api/v1/orders", order("BODY-B"), true);
    expect(b.status, JSON.stringify(b.body)).toBe(201);
    expect(b.body).toMatchObject({ order_no: "BODY-B" });
  });

  it("answers malformed JSON with 400 and says the body must be JSON", async () => {
    const res = await post("/api/v1/orders", '{"order_no": "X", "lines": [');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: "bad_request", message: "body must be JSON" });
  });

  it("answers a field the schema refuses with 400 naming the field", async () => {
    const res = await post(
      "/api/v1/orders",
      JSON.stringify({ order_no: "X", status: "created", lines: "none" }),
    );
    expect(res.status).toBe(400);
    expect(String(res.body.message)).toMatch(/^lines/);
  });

  it("refuses a body over 1 MB with 413, declared or streamed, and stores nothing", async () => {
    const big = JSON.stringify({ order_no: "BIG", pad: "x".repeat(1_100_000) });
    for (const chunked of [false, true]) {
      const res = await post("/api/v1/orders", big, chunked);
      expect(res.status).toBe(413);
      expect(res.body.error).toBe("payload_too_large");
    }
    const sku = await new Promise<Record<string, unknown>>((resolve, reject) =>
      request(
        {
          host: "127.0.0.1",
          port,
          path: "/api/v1/skus/BODY-1",
          headers: { authorization: `Bearer ${TOKEN}` },
        },
        (r) => {
          let s = "";
          r.on("data", (c) => (s += c));
          r.on("end", () => resolve(JSON.parse(s)));
        },
      )
        .on("error", reject)
        .end(),
    );
    expect(sku.reserved).toBe(2); // BODY-A and BODY-B only
  });

  it("puts X-Request-Id on every answer, successful or not", async () => {
    const ok = await post("/api/v1/orders", order("BODY-C"));
    const bad = await post("/api/v1/orders", "not json");
    for (const r of [ok, bad]) expect(r.headers["x-request-id"]).toMatch(/^r[0-9a-z]+$/);
    expect(ok.headers["x-request-id"]).not.toBe(bad.headers["x-request-id"]);
  });
});
