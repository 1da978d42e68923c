import { Hono } from "hono";
import type { Deps } from "../deps.ts";
import { getOrder } from "../orders/get-order.ts";
import type { AppEnv } from "./middleware.ts";

export function orderRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get("/:orderNo", async (c) =>
    c.json(await getOrder({ db: deps.db, rules: deps.rules, orderNo: c.req.param("orderNo") })),
  );
  return app;
}
