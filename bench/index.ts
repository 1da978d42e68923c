/** `npm run bench [ingest|hot-sku|lookup|drift|alerts|metrics]`: the benchmarks, each printing its figures beside baselines from the same run. */
import { benchAlerts } from "./alerts.ts";
import { benchDrift } from "./drift.ts";
import { benchHotSku } from "./hot-sku.ts";
import { benchIngest } from "./ingest.ts";
import { benchLookup } from "./lookup.ts";
import { benchMetrics } from "./metrics.ts";

const only = process.argv[2];
if (!only || only === "ingest") await benchIngest();
if (!only || only === "hot-sku") await benchHotSku();
if (!only || only === "lookup") await benchLookup();
if (!only || only === "drift") await benchDrift();
if (!only || only === "metrics") await benchMetrics();
if (!only || only === "alerts") await benchAlerts();
