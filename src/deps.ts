import { createHmac } from "node:crypto";
import type { SplitPolicy } from "./aftersales/split-types.ts";
import { type AlertCenter, createAlertCenter } from "./alerts/center.ts";
import { loadRules, type RuleSet } from "./anchors/rules.ts";
import { type ClientFactory, type Database, type Db, openDatabase } from "./db/client.ts";
import { runMigrations } from "./db/migrate.ts";
import { createWriter, type Writer } from "./db/writer.ts";
import type { Config } from "./env.ts";
import { createHealthMonitor, type HealthMonitor } from "./health/monitor.ts";
import type { ProcessContext } from "./inbox/process-push.ts";
import { createProcessor, type Processor } from "./inbox/processor.ts";
import { createPushStore, type PushStore } from "./inbox/store-push.ts";
import type { ListingChange } from "./inventory/low-stock.ts";
import { createReservationEngine, type ReservationEngine } from "./inventory/reservation-engine.ts";
import type { StockSettings } from "./inventory/stock-math.ts";
import { DbLease } from "./lock/db-lease.ts";
import { type ClosableLock, createLock, type Lock } from "./lock/index.ts";
import { RESOLUTIONS, resolutionsFor } from "./orders/resolve-attention.ts";
import { type Clock, systemClock } from "./shared/clock.ts";
import { createLogger, type Logger } from "./shared/logger.ts";
import { createMetrics, type Metrics } from "./shared/metrics.ts";
import { loggedNotifier, type NoticeAction, type Notifier } from "./shared/notifier.ts";
import { createTasks, type Tasks } from "./shared/tasks.ts";

/** Everything a handler needs, built once at the entry and passed down; tests build their own. */
export interface Deps {
  config: Config;
  database: Database;
  /** Reads. */
  db: Db;
  /** Every write goes through here (group commit). */
  writer: Writer;
  rules: RuleSet;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  tasks: Tasks;
  /** Stores the pushes of one event-loop turn in one statement. */
  pushStore: PushStore;
  /** Background processing of stored pushes. */
  processor: Processor;
  /** What processing a push needs (rules, stock settings, keys to re-read stored bodies). */
  processContext: ProcessContext;
  lock: ClosableLock;
  /**
   * Job leases (jobs/runner.ts): the Redis lock when REDIS_URL is set, else the `job_leases` table,
   * so instances sharing a database never run one job twice at once (never the in-process lock).
   */
  jobLease: Lock;
  /** Stock rules from config. */
  settings: StockSettings;
  /** Group-committed reservations. */
  reservations: ReservationEngine;
  notifier: Notifier;
  /** Anomaly rules: their cached states, routing of hits, escalation (src/alerts/). */
  alerts: AlertCenter;
  /** Interface health: payload shapes, signals, warnings to the integration owner. */
  health: HealthMonitor;
  apiToken: string;
  /** After-sales: how refunds are split and the key that signs order QR codes. */
  aftersale: { policy: SplitPolicy; slaMs: number; qrSecret: string };
  close(): Promise<void>;
}

export interface DepsOverrides {
  clock?: Clock;
  logger?: Logger;
  lock?: ClosableLock;
  jobLease?: Lock;
  notifier?: Notifier;
  /** The libSQL client factory; Workers pass `@libsql/client/web`'s (src/worker.ts). */
  createClient?: ClientFactory;
  /** Brings the schema up to date at start; Workers, with no migrations folder to read, pass their own. */
  migrate?: (db: Db) => Promise<void>;
  /** False on Workers: no process to collect memory, CPU and event-loop metrics from. */
  processMetrics?: boolean;
}

/** The decisions a flagged order offers on its notice card (the chat's attention.resolve action). */
export function attentionActions(orderNo: string, attention: string): NoticeAction[] {
  return resolutionsFor(attention).map((key) => ({
    text: RESOLUTIONS[key],
    style: key === "cancelled" ? "danger" : "primary",
    action: { id: "attention.resolve", payload: `${orderNo}~${key}` },
  }));
}

/** Tells purchasing and ops when a SKU is unlisted for low stock or listed again. */
export function listingNotices(notifier: Notifier, changes: ListingChange[]): void {
  for (const c of changes) {
    void notifier.send(
      c.listed
        ? {
            to: "purchasing",
            title: `${c.sku} 已恢复上架`,
            text: `${c.sku} 补货后已高于低库存线,重新上架,补货单已关闭。`,
          }
        : {
            to: "purchasing",
            title: `${c.sku} 库存不足已下架`,
            text: `${c.sku} 可售库存低于安全线的低库存比例,已自动下架;已创建补货单 #${c.restockOrderId}。`,
            severity: "P2",
          },
    );
  }
}

export async function createDeps(
  config: Config,
  apiToken: string,
  overrides: DepsOverrides = {},
): Promise<Deps> {
  const logger = overrides.logger ?? createLogger(config.LOG_LEVEL);
  const database = await openDatabase(
    config.DATABASE_URL,
    config.DATABASE_AUTH_TOKEN,
    Boolean(config.REDIS_URL),
    overrides.createClient,
  );
  await (overrides.migrate ?? runMigrations)(database.writeDb);
  // With Redis configured, several instances may share one database file: take turns fairly.
  const writer = createWriter(database.writeDb, {
    yieldMs: config.REDIS_URL && database.kind === "file" ? 3 : 0,
  });
  const lock = overrides.lock ?? createLock({ redisUrl: config.REDIS_URL, logger });
  const tasks = createTasks(logger);
  const rules = loadRules();
  const clock = overrides.clock ?? systemClock;
  const jobLease = overrides.jobLease ?? (config.REDIS_URL ? lock : new DbLease(writer, clock));
  const metrics = createMetrics({ processMetrics: overrides.processMetrics });
  const notifier = overrides.notifier ?? loggedNotifier(logger);
  const settings: StockSettings = {
    reserveRatio: config.RESERVE_RATIO,
    lowStockRatio: config.LOW_STOCK_RATIO,
    paymentTimeoutMs: config.PAYMENT_TIMEOUT,
  };
  const alerts = createAlertCenter({
    db: database.db,
    writer,
    notifier,
    logger,
    now: () => clock.now(),
    chain: config.ALERT_ESCALATION,
    expireMs: config.ALERT_EXPIRE,
    maxPerHour: config.ALERT_MAX_PER_HOUR,
  });
  const processContext: ProcessContext = {
    rules,
    settings,
    parse: { wechatpayApiV3Key: config.WECHATPAY_APIV3_KEY },
    alerts: alerts.context,
  };
  const health = createHealthMonitor({ db: database.db, writer, clock, config, notifier, tasks, logger });
  const processor = createProcessor({
    writer,
    ctx: processContext,
    now: () => clock.now(),
    metrics,
    logger,
    tasks,
    afterBatch: (outcomes) => health.learnShapes(outcomes),
    onProcessed: (outcomes) => {
      const hits = outcomes.flatMap((o) => o.results.flatMap((r) => r.alerts ?? []));
      if (hits.length) tasks.defer("alert dispatch", () => alerts.dispatch(hits));
      for (const o of outcomes) {
        if (o.status === "failed" || o.status === "dead") health.noteRefused(o.source);
        for (const r of o.results) {
          listingNotices(notifier, r.listing);
          if (r.payment?.outcome === "manual_handling") {
            void notifier.send({
              to: "ops",
              severity: "P1",
              subject: r.orderNo,
              title: `订单 ${r.orderNo} 已付款但库存已释放`,
              text: `订单 ${r.orderNo} 在预占过期后才付款,库存已被占用:请退款或补货后发货。`,
              actions: attentionActions(r.orderNo, "manual_handling"),
            });
          }
          if (r.oversold) {
            void notifier.send({
              to: "ops",
              severity: "P1",
              subject: r.orderNo,
              title: `订单 ${r.orderNo} 超卖`,
              text: `订单 ${r.orderNo} 下单 ${r.oversold.sku} × ${r.oversold.requested},但可售只有 ${r.oversold.available}:请退款、补货或与买家协商。`,
              actions: attentionActions(r.orderNo, "oversold_at_intake"),
            });
          }
          if (r.held) {
            void notifier.send({
              to: "cs_lead",
              severity: "P2",
              subject: r.orderNo,
              title: `订单 ${r.orderNo} 已暂停:客户被冻结`,
              text: `客户 ${r.held.key} 已冻结(${r.held.reason}),新订单 ${r.orderNo} 需审核后放行或取消。`,
              actions: attentionActions(r.orderNo, "held_frozen_buyer"),
            });
          }
          if (r.caseOpened) {
            void notifier.send({
              to: "cs_lead",
              severity: "P3",
              subject: r.orderNo,
              title: `订单 ${r.orderNo} 渠道发起退款,已建售后 #${r.caseOpened.caseId}`,
              text: `渠道退款已同步为售后 #${r.caseOpened.caseId}。发送「售后 ${r.caseOpened.caseId}」查看,72 小时内未处理将升级。`,
            });
          }
        }
      }
    },
  });
  const reservations = createReservationEngine({
    writer,
    lock,
    settings,
    now: () => clock.now(),
    logger,
    onListing: (changes) => listingNotices(notifier, changes),
    onStored: (stored) => {
      for (const s of stored) processor.enqueue({ id: s.id });
    },
  });
  return {
    config,
    database,
    db: database.db,
    writer,
    rules,
    clock,
    logger,
    metrics,
    tasks,
    pushStore: createPushStore(writer),
    processor,
    processContext,
    settings,
    reservations,
    notifier,
    alerts,
    health,
    lock,
    jobLease,
    apiToken,
    aftersale: {
      policy: {
        shipping: config.AFTERSALE_SHIPPING_POLICY,
        pointsAsPoints: config.AFTERSALE_POINTS_AS_POINTS,
      },
      slaMs: config.AFTERSALE_SLA,
      qrSecret: config.QR_SECRET ?? createHmac("sha256", apiToken).update("anchorbot order QR").digest("hex"),
    },
    async close() {
      processor.stop();
      await tasks.drain();
      await health.flush();
      await writer.flush();
      await lock.close();
      database.close();
    },
  };
}
