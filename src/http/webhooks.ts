import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import { receivePush } from "../inbox/receive-push.ts";
import { recordRejection } from "../inbox/store-push.ts";
import { getAdapter } from "../sources/index.ts";
import type { AppEnv } from "./middleware.ts";

function lowerHeaders(h: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  h.forEach((v, k) => {
    out[k.toLowerCase()] = v;
  });
  return out;
}

/** POST /webhooks/:source — verify, store, answer; processing happens after the answer. */
export function webhookRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const limit = deps.config.BODY_LIMIT;

  app.post(
    "/:source",
    async (c, next) => {
      const source = c.req.param("source");
      if (!getAdapter(source)) throw new AppError("unknown_source", `unknown source "${source}"`);
      await next();
    },
    bodyLimit({
      maxSize: limit,
      onError: async (c) => {
        const source = c.req.param("source") ?? "unknown";
        const size = Number(c.req.header("content-length") ?? 0);
        deps.metrics.webhookEvents.inc({ source, outcome: "too_large" });
        c.get("log").warn({ source, size, limit }, "webhook body over BODY_LIMIT refused");
        await deps.writer.run((tx) =>
          recordRejection({
            tx,
            now: deps.clock.now(),
            source,
            headers: lowerHeaders(c.req.raw.headers),
            body: null,
            bodySize: size,
            reason: "too_large",
            error: `body over BODY_LIMIT (${limit} bytes)`,
          }),
        );
        throw new AppError(
          "payload_too_large",
          `body is larger than BODY_LIMIT (${limit} bytes); raise BODY_LIMIT if this source legitimately sends more`,
        );
      },
    }),
    async (c) => {
      const body = Buffer.from(await c.req.arrayBuffer());
      const received = await receivePush(deps, c.req.param("source"), {
        body,
        headers: lowerHeaders(c.req.raw.headers),
        url: c.req.url,
      });
      c.header("x-inbox-id", String(received.id));
      if (received.duplicate) c.header("x-duplicate-of", String(received.duplicateOf ?? ""));
      const { status, contentType, body: ackBody } = received.ack;
      return c.body(ackBody, status as 200, contentType ? { "content-type": contentType } : {});
    },
  );
  return app;
}
