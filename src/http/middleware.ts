import { timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { AppError } from "../errors.ts";
import type { Logger } from "../shared/logger.ts";
import type { Metrics } from "../shared/metrics.ts";

export type AppEnv = { Variables: { requestId: string; log: Logger } };

let seq = 0;

/** Request id (taken from X-Request-Id when sane), a child logger, one access line and a metric. */
export function observe(logger: Logger, metrics: Metrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const given = c.req.header("x-request-id");
    const requestId =
      given && /^[\w.-]{1,64}$/.test(given) ? given : `r${Date.now().toString(36)}${(++seq).toString(36)}`;
    const log = logger.child({ requestId });
    c.set("requestId", requestId);
    c.set("log", log);
    const started = performance.now();
    // Set before the handler answers: a header added after would turn @hono/node-server's
    // lightweight response into a full WHATWG Response on every request.
    c.header("x-request-id", requestId);
    await next();
    const route = routePath(c) || c.req.path;
    metrics.httpRequests.inc({ method: c.req.method, route, status: String(c.res.status) });
    log.debug(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: +(performance.now() - started).toFixed(2),
      },
      "request",
    );
  };
}

/** `Authorization: Bearer <API_TOKEN>`, compared in constant time. */
export function bearerAuth(token: string): MiddlewareHandler<AppEnv> {
  const expected = Buffer.from(token);
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const m = /^Bearer\s+(.+)$/i.exec(header);
    if (!m) throw new AppError("unauthorized", "send Authorization: Bearer <API_TOKEN>");
    const given = Buffer.from(m[1]!.trim());
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new AppError("unauthorized", "API token is not valid");
    }
    await next();
  };
}
