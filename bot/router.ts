import { audit } from "../src/chat/audit.ts";
import { findCard, saveCard } from "../src/chat/cards.ts";
import { claimDecision, type Decision, findDecision } from "../src/chat/decisions.ts";
import { markInboundHandled, storeInbound } from "../src/chat/inbox.ts";
import { describeRoles, type Role, roleAllows } from "../src/chat/roles.ts";
import { findChatUser } from "../src/chat/users.ts";
import type { Deps } from "../src/deps.ts";
import { AppError } from "../src/errors.ts";
import { type Card, decidedCard, decodeActionKey, encodeActionKey, hasCallbacks } from "./card.ts";
import { chatErrorText } from "./chat-error.ts";
import type { ActionDef, ChatUser, CommandContext, CommandDef } from "./command.ts";
import { normalizeInput, shortTime } from "./text.ts";
import { type Inbound, type Outcome, type Reply, text } from "./types.ts";

export interface Bot {
  readonly commands: readonly CommandDef[];
  command(def: CommandDef): Bot;
  action(def: ActionDef): Bot;
  /** Stores an inbound message before anything acts on it; null when it is a duplicate delivery. */
  accept(inbound: Inbound): Promise<number | null>;
  /** Handles a stored inbound: resolves the user, runs the command or action, remembers cards. */
  handle(id: number, inbound: Inbound): Promise<Outcome>;
  /** accept + handle; `duplicate` when the delivery was seen before (no reply then). */
  receive(inbound: Inbound): Promise<{ duplicate: true } | { duplicate: false; outcome: Outcome }>;
  /** Stores cards that carry callback buttons so their clicks can be resolved later. */
  remember(cards: Card[]): Promise<void>;
}

class LostRace extends Error {
  constructor(readonly decision: Decision) {
    super("decision already taken");
  }
}

/** Finds the command a message starts with; the longest name wins (退款试算 before 退款). */
export function matchCommand(
  commands: readonly CommandDef[],
  input: string,
): { def: CommandDef; rest: string } | null {
  const s = input.replace(/^(@\S+\s+)+/, "").replace(/^[/／]/, "");
  const lower = s.toLowerCase();
  let best: { def: CommandDef; name: string } | null = null;
  for (const def of commands) {
    for (const name of [def.name, ...def.aliases]) {
      const n = name.toLowerCase();
      const cjk = /[\u0080-\uffff]$/.test(n);
      const hit = lower === n || lower.startsWith(`${n} `) || (cjk && lower.startsWith(n));
      if (hit && (!best || n.length > best.name.length)) best = { def, name: n };
    }
  }
  if (!best) return null;
  return { def: best.def, rest: s.slice(best.name.length).trim() };
}

export function createBot(deps: Deps, opts: { defaultRole?: Role } = {}): Bot {
  const commands: CommandDef[] = [];
  const actions = new Map<string, ActionDef>();
  const tz = deps.config.TZ_DISPLAY;

  async function resolveUser(inbound: Inbound): Promise<ChatUser | null> {
    const base = { platform: inbound.platform, id: inbound.user.id, name: inbound.user.name };
    if (inbound.roleOverride) return { ...base, role: inbound.roleOverride };
    const row = await findChatUser(deps.db, inbound.platform, inbound.user.id);
    if (row) return { ...base, name: base.name ?? row.name ?? undefined, role: row.role };
    return opts.defaultRole ? { ...base, role: opts.defaultRole } : null;
  }

  const help = () => commands.find((c) => c.name === "帮助");

  async function runText(ctx: CommandContext, input: string): Promise<Outcome> {
    const normalized = normalizeInput(input);
    const match = matchCommand(commands, normalized);
    if (!match) {
      const h = help();
      const lead = normalized ? `没有「${normalized.slice(0, 20)}」这个命令。` : "";
      if (!h) return { replies: [text(`${lead}请输入 帮助 查看可用命令。`)] };
      const replies = await h.handle(ctx, { tokens: [], rest: "" });
      return { replies: [text(lead), ...(Array.isArray(replies) ? replies : [replies])].filter(notEmpty) };
    }
    const { def, rest } = match;
    try {
      if (def.roles && !roleAllows(ctx.user.role, def.roles))
        throw new AppError(
          "forbidden",
          `「${def.name}」需要角色 ${describeRoles(def.roles)},你的角色是 ${ctx.user.role}。`,
        );
      const out = await def.handle(ctx, { tokens: rest ? rest.split(" ") : [], rest });
      return { replies: Array.isArray(out) ? out : [out] };
    } catch (err) {
      if (err instanceof AppError && err.code === "forbidden") await auditRefusal(ctx, def.name);
      return { replies: [text(chatErrorText(err, deps.logger, def.usage))] };
    }
  }

  async function auditRefusal(ctx: CommandContext, what: string, cardId?: string) {
    await deps.writer.run((tx) =>
      audit(tx, {
        at: ctx.now,
        platform: ctx.user.platform,
        userId: ctx.user.id,
        role: ctx.user.role,
        action: "refused",
        subject: what,
        cardId,
      }),
    );
  }

  async function runAction(ctx: CommandContext, key: string, cardId: string): Promise<Outcome> {
    const decoded = decodeActionKey(key);
    const def = decoded ? actions.get(decoded.id) : undefined;
    if (!decoded || !def) return { replies: [text("这个按钮已失效,请重新查询后再操作。")] };
    const stored = cardId ? await findCard(deps.db, cardId) : null;
    const card = (stored?.card as Card | undefined) ?? null;
    const button = card?.buttons.find((b) => b.action && encodeActionKey(b.action) === key);
    const label = button?.text ?? decoded.id;
    if (def.roles && !roleAllows(ctx.user.role, def.roles)) {
      await auditRefusal(ctx, decoded.id, cardId);
      return {
        replies: [
          text(`⛔ 「${label}」需要角色 ${describeRoles(def.roles)},你的角色是 ${ctx.user.role},未执行。`),
        ],
      };
    }
    try {
      if (def.view) return { replies: await def.view(ctx, decoded.payload) };
      if (!def.decide) return { replies: [text("这个按钮没有可执行的操作。")] };
      if (!cardId) return { replies: [text("找不到这张卡片,无法记录决定。")] };
      const prior = await findDecision(deps.db, cardId);
      if (prior) return lost(prior, card);
      const decide = def.decide;
      const decision = await deps.writer.run(async (tx) => {
        if (await findDecision(tx, cardId)) throw new LostRace((await findDecision(tx, cardId)) as Decision);
        const outcome = await decide(tx, ctx, decoded.payload, card);
        const d: Decision = {
          cardId,
          action: decoded.id,
          payload: decoded.payload,
          platform: ctx.user.platform,
          decidedBy: ctx.user.id,
          decidedByName: ctx.user.name ?? null,
          outcome: `${label}:${outcome}`,
          decidedAt: ctx.now,
        };
        const claim = await claimDecision(tx, d);
        if (!claim.won) throw new LostRace(claim.decision);
        await audit(tx, {
          at: ctx.now,
          platform: ctx.user.platform,
          userId: ctx.user.id,
          role: ctx.user.role,
          action: decoded.id,
          subject: card?.subject ?? decoded.payload,
          cardId,
          detail: { button: label, payload: decoded.payload, outcome },
        });
        return d;
      });
      const footer = decidedFooter(decision);
      return {
        replies: [text(`✅ 已执行「${label}」:${decision.outcome.slice(label.length + 1)}`)],
        cardUpdate: card ? decidedCard(card, footer) : undefined,
      };
    } catch (err) {
      if (err instanceof LostRace) return lost(err.decision, card);
      return { replies: [text(chatErrorText(err, deps.logger))] };
    }
  }

  const who = (d: Decision) => d.decidedByName ?? d.decidedBy;
  const decidedFooter = (d: Decision) => `${who(d)} 于 ${shortTime(d.decidedAt, tz)} 已处理 — ${d.outcome}`;

  function lost(d: Decision, card: Card | null): Outcome {
    return {
      replies: [
        text(`这张卡片已由 ${who(d)} 于 ${shortTime(d.decidedAt, tz)} 处理:${d.outcome}。无需再操作。`),
      ],
      cardUpdate: card ? decidedCard(card, decidedFooter(d)) : undefined,
    };
  }

  const bot: Bot = {
    commands,
    command(def) {
      commands.push(def);
      return bot;
    },
    action(def) {
      actions.set(def.id, def);
      return bot;
    },
    async accept(inbound) {
      return deps.writer.run((tx) =>
        storeInbound(tx, {
          platform: inbound.platform,
          dedupeKey: inbound.dedupeKey,
          kind: inbound.action ? "action" : "text",
          userId: inbound.user.id,
          conversationId: inbound.conversation.id,
          body: JSON.stringify(inbound),
          receivedAt: deps.clock.now(),
        }),
      );
    },
    async handle(id, inbound) {
      const now = deps.clock.now();
      let outcome: Outcome;
      let error: string | undefined;
      try {
        const user = await resolveUser(inbound);
        if (!user) {
          outcome = {
            replies: [
              text(
                `你好!你还没有开通 anchorbot(${inbound.platform} 用户 ${inbound.user.id})。` +
                  `请管理员发送「用户 添加 ${inbound.platform} ${inbound.user.id} agent」` +
                  `或运行 npm run users -- add ${inbound.platform} ${inbound.user.id} agent。`,
              ),
            ],
          };
        } else {
          const ctx: CommandContext = {
            deps,
            user,
            inbound,
            now,
            commands,
            click: (cardId, key) => runAction(ctx, key, cardId),
          };
          outcome = inbound.action
            ? await runAction(ctx, inbound.action.key, inbound.action.cardId)
            : await runText(ctx, inbound.text ?? "");
        }
        await bot.remember(outcome.replies.flatMap((r) => (r.kind === "card" ? [r.card] : [])));
      } catch (err) {
        error = String(err);
        outcome = { replies: [text(chatErrorText(err, deps.logger))] };
      }
      await deps.writer.run((tx) => markInboundHandled(tx, id, deps.clock.now(), error));
      return outcome;
    },
    async receive(inbound) {
      const id = await bot.accept(inbound);
      if (id === null) return { duplicate: true };
      return { duplicate: false, outcome: await bot.handle(id, inbound) };
    },
    async remember(cards) {
      const live = cards.filter(hasCallbacks);
      if (live.length === 0) return;
      const now = deps.clock.now();
      await deps.writer.run(async (tx) => {
        for (const c of live)
          await saveCard(tx, { id: c.id, kind: c.kind, subject: c.subject ?? null, card: c, now });
      });
    },
  };
  return bot;
}

const notEmpty = (r: Reply) => r.kind !== "text" || r.text.length > 0;
