import { logistics } from "./logistics.ts";
import { miniapp } from "./miniapp.ts";
import { payment } from "./payment.ts";
import { pdd } from "./pdd.ts";
import { shopee } from "./shopee.ts";
import { taobao } from "./taobao.ts";
import type { SourceAdapter, SourceName } from "./types.ts";
import { wechatpay } from "./wechatpay.ts";
import { wms } from "./wms.ts";

/** Every source the webhook gateway accepts, by the name in POST /webhooks/:source. */
export const adapters: Record<SourceName, SourceAdapter> = {
  taobao,
  pdd,
  shopee,
  miniapp,
  wms,
  logistics,
  payment,
  wechatpay,
};

/** The adapter for a route parameter; undefined for unknown names (and never an Object.prototype key). */
export function getAdapter(name: string): SourceAdapter | undefined {
  return Object.hasOwn(adapters, name) ? adapters[name as SourceName] : undefined;
}

export { type CanonicalOrder, canonicalOrderSchema, canonicalToSnapshot } from "./canonical.ts";
export { signOwn, verifyOwn } from "./own-scheme.ts";
export { ParseError } from "./parse-error.ts";
export * from "./types.ts";
