import { Hono } from "hono";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import { receivePush } from "../inbox/receive-push.ts";
import { recordRejection } from "../inbox/store-push.ts";
import { getAdapter } from "../sources/index.ts";
import type { AppEnv } from "./middleware.ts";
import { BodyTooLarge, readRawBody } from "./raw-body.ts";

/** POST /webhooks/:source — verify, store, answer; processing happens after the answer. */
export function webhookRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const limit = deps.config.BODY_LIMIT;

  async function refuseTooLarge(
    source: string,
    size: number,
    headers: Record<string, string>,
    log: AppEnv["Variables"]["log"],
  ) {
    deps.metrics.webhookEvents.inc({ source, outcome: "too_large" });
    log.warn({ source, size, limit }, "webhook body over BODY_LIMIT refused");
    await deps.writer.run((tx) =>
      recordRejection({
        tx,
        now: deps.clock.now(),
        source,
        headers,
        body: null,
        bodySize: size,
        reason: "too_large",
        error: `body over BODY_LIMIT (${limit} bytes)`,
      }),
    );
    deps.health.noteRefused(source);
    return new AppError(
      "payload_too_large",
      `body is larger than BODY_LIMIT (${limit} bytes); raise BODY_LIMIT if this source legitimately sends more`,
    );
  }

  app.post("/:source", async (c) => {
    const source = c.req.param("source");
    if (!getAdapter(source)) throw new AppError("unknown_source", `unknown source "${source}"`);
    let raw: Awaited<ReturnType<typeof readRawBody>>;
    try {
      raw = await readRawBody(c, limit);
    } catch (e) {
      if (!(e instanceof BodyTooLarge)) throw e;
      const headers: Record<string, string> = { "content-length": c.req.header("content-length") ?? "" };
      throw await refuseTooLarge(source, e.size, headers, c.get("log"));
    }
    const received = await receivePush(deps, source, {
      body: raw.body,
      headers: raw.headers,
      url: c.req.url,
    });
    c.header("x-inbox-id", String(received.id));
    if (received.duplicate) c.header("x-duplicate-of", String(received.duplicateOf ?? ""));
    const { status, contentType, body: ackBody } = received.ack;
    return c.body(ackBody, status as 200, contentType ? { "content-type": contentType } : {});
  });
  return app;
}
