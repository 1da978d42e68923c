import { Hono } from "hono";
import { z } from "zod";
import type { Deps } from "../deps.ts";
import { listingNotices } from "../deps.ts";
import { AppError } from "../errors.ts";
import { getSku, listSkus, listSkusBelowSafety, setSku } from "../inventory/sku-admin.ts";
import type { AppEnv } from "./middleware.ts";
import { jsonBody } from "./validate.ts";

const count = z.number().int().min(0).max(1_000_000_000);
const skuBody = z
  .object({ on_hand: count.optional(), safety_stock: count.optional(), cost: count.optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: "send at least one of on_hand, safety_stock, cost" });

export function skuRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const { settings } = deps;

  app.put("/:sku", async (c) => {
    const sku = c.req.param("sku");
    if (!/^[\w.:/-]{1,64}$/.test(sku))
      throw new AppError("bad_request", "SKU codes are 1–64 letters, digits or . _ : / -");
    const body = await jsonBody(c, skuBody);
    const { listing } = await deps.writer.run((tx) =>
      setSku({
        tx,
        settings,
        now: deps.clock.now(),
        sku,
        input: { onHand: body.on_hand, safetyStock: body.safety_stock, cost: body.cost },
        by: "api",
      }),
    );
    if (listing) listingNotices(deps.notifier, [listing]);
    return c.json(await getSku({ db: deps.db, settings, sku }));
  });

  app.get("/:sku", async (c) => c.json(await getSku({ db: deps.db, settings, sku: c.req.param("sku") })));

  app.get("/", async (c) => {
    const below = c.req.query("below");
    if (below !== undefined && below !== "safety")
      throw new AppError("bad_request", "below takes one value: safety");
    const items = below
      ? await listSkusBelowSafety({ db: deps.db, settings })
      : await listSkus({ db: deps.db, settings });
    return c.json({ items });
  });
  return app;
}
