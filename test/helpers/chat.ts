import { encodeActionKey } from "../../bot/card.ts";
import { renderCardText } from "../../bot/render-text.ts";
import { createBot } from "../../bot/router.ts";
import type { Inbound } from "../../bot/types.ts";
import { registerCommands } from "../../commands/index.ts";
import type { Platform, Role } from "../../src/chat/roles.ts";
import { setChatUser } from "../../src/chat/users.ts";
import type { TestDeps } from "./deps.ts";

let seq = 0;

/** The real bot with every command, driven as a platform would drive it. */
export function chat(deps: TestDeps) {
  const bot = registerCommands(createBot(deps));
  const inbound = (user: string, extra: Partial<Inbound>, platform: Platform = "wecom"): Inbound => ({
    platform,
    dedupeKey: `t-${++seq}`,
    user: { id: user, name: user },
    conversation: { id: user, kind: "direct" },
    at: deps.clock.now(),
    ...extra,
  });
  const outcome = async (i: Inbound) => {
    const r = await bot.receive(i);
    if (r.duplicate) throw new Error("unexpected duplicate");
    return r.outcome;
  };
  return {
    bot,
    async addUser(id: string, role: Role, platform: Platform = "wecom") {
      await deps.writer.run((tx) =>
        setChatUser(tx, { platform, userId: id, role, name: id, by: "test", now: deps.clock.now() }),
      );
    },
    /** Maps several users at once: `{ agent1: "agent", sup1: "supervisor" }`. */
    async addUsers(users: Record<string, Role>) {
      for (const [id, role] of Object.entries(users)) await this.addUser(id, role);
    },
    /** Sends text as a user; returns the outcome. */
    say: (user: string, text: string, platform?: Platform) => outcome(inbound(user, { text }, platform)),
    /** The replies as one printable string (cards rendered as console text). */
    async sayText(user: string, text: string, platform?: Platform) {
      const o = await outcome(inbound(user, { text }, platform));
      return o.replies.map((r) => (r.kind === "text" ? r.text : renderCardText(r.card))).join("\n\n");
    },
    click: (user: string, cardId: string, action: { id: string; payload: string }) =>
      outcome(inbound(user, { action: { key: encodeActionKey(action), cardId } })),
  };
}
