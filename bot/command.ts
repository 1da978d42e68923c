import { audit } from "../src/chat/audit.ts";
import { describeRoles, type Platform, type Role, roleAllows } from "../src/chat/roles.ts";
import type { Tx } from "../src/db/client.ts";
import type { Deps } from "../src/deps.ts";
import { AppError } from "../src/errors.ts";
import type { Card } from "./card.ts";
import type { Inbound, Outcome, Reply } from "./types.ts";

export interface ChatUser {
  platform: Platform;
  id: string;
  name?: string;
  role: Role;
}

export interface CommandContext {
  deps: Deps;
  user: ChatUser;
  inbound: Inbound;
  now: number;
  /** Every registered command, for help. */
  commands: readonly CommandDef[];
  /** Runs a card button as if it had been clicked (the 审批 text fallback, console clicks). */
  click(cardId: string, key: string): Promise<Outcome>;
}

export interface CommandArgs {
  /** The words after the command name. */
  tokens: string[];
  /** Everything after the command name, spaces kept (free text such as a standard reply). */
  rest: string;
}

/** One chat command (one file each in commands/); help is generated from these fields. */
export interface CommandDef {
  /** Chinese name, what people type first. */
  name: string;
  /** English and other aliases. */
  aliases: string[];
  /** Usage lines, e.g. "查单 <订单号|手机号|运单号>". */
  usage: string[];
  summary: string;
  /** Who may run it; absent or empty means every registered user. Sub-commands check more. */
  roles?: readonly Role[];
  handle(ctx: CommandContext, args: CommandArgs): Promise<Reply | Reply[]>;
}

/** A button's action. Decisions are consumed once per card; views may be clicked any number of times. */
export interface ActionDef {
  id: string;
  roles?: readonly Role[];
  /**
   * A decision: runs inside the transaction that records it, only for the first valid click.
   * Returns the outcome in words ("已标记为已退款"); throwing leaves the card undecided.
   */
  decide?(tx: Tx, ctx: CommandContext, payload: string, card: Card | null): Promise<string>;
  /** A view (为什么, 物流): answers with messages and leaves the card as it is. */
  view?(ctx: CommandContext, payload: string): Promise<Reply[]>;
}

/** Throws a refusal that tells the user which role they would need. */
export function requireRole(user: ChatUser, allowed: readonly Role[], what: string): void {
  if (roleAllows(user.role, allowed)) return;
  throw new AppError("forbidden", `「${what}」需要角色 ${describeRoles(allowed)},你的角色是 ${user.role}。`, {
    needs: allowed,
  });
}

/** Audits what the chat user in `ctx` just did, in the transaction that did it. */
export function auditChat(
  tx: Tx,
  ctx: CommandContext,
  action: string,
  subject: string,
  detail?: Record<string, unknown>,
): Promise<void> {
  return audit(tx, {
    at: ctx.now,
    platform: ctx.user.platform,
    userId: ctx.user.id,
    role: ctx.user.role,
    action,
    subject,
    detail,
  });
}
