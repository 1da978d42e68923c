import { attentionLabel } from "../bot/cards/order-card.ts";
import type { ActionDef } from "../bot/command.ts";
import { SUPERVISORS } from "../src/chat/roles.ts";
import { AppError } from "../src/errors.ts";
import { isResolution, RESOLUTIONS, resolveAttention } from "../src/orders/index.ts";
import { trackReply } from "./track.ts";
import { whyReply } from "./why.ts";

/** Order-card buttons: two views anyone may click, and the supervisors' decision on a flagged order. */
export const actions: ActionDef[] = [
  { id: "order.why", view: async (ctx, orderNo) => [await whyReply(ctx, orderNo)] },
  { id: "order.track", view: async (ctx, orderNo) => [await trackReply(ctx, orderNo)] },
  {
    id: "attention.resolve",
    roles: SUPERVISORS,
    async decide(tx, ctx, payload) {
      const [orderNo, resolution] = payload.split("~");
      if (!orderNo || !resolution || !isResolution(resolution))
        throw new AppError("bad_request", "这个按钮的参数无效");
      const r = await resolveAttention(tx, { orderNo, resolution, now: ctx.now });
      return `订单 ${orderNo}「${attentionLabel(r.attention)}」→ ${RESOLUTIONS[r.resolution]}`;
    },
  },
];
