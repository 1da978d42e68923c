import type { NotifyTarget } from "../../src/env.ts";
import { maskPhone } from "../text.ts";

const short = (s: string, keep = 4) => (s.length > keep ? `${s.slice(0, keep)}…` : "…");

/** How a target appears in logs and stats: enough to tell robots apart, never the key or token. */
export function targetLabel(t: NotifyTarget): string {
  switch (t.kind) {
    case "wecom-app":
      return `wecom-app:${t.users.join("|")}`;
    case "wecom-robot":
      return `wecom-robot:${short(t.key)}`;
    case "dingtalk-user":
      return `dingtalk-user:${t.userIds.join("|")}`;
    case "dingtalk-group":
      return `dingtalk-group:${short(t.openConversationId, 8)}`;
    case "dingtalk-robot":
      return `dingtalk-robot:${short(t.accessToken)}`;
    case "email": {
      const [local = "", domain = ""] = t.address.split("@");
      return `email:${local.slice(0, 1)}…@${domain}`;
    }
    case "sms":
      return `sms:${maskPhone(t.phone)}`;
    case "webhook":
      return `webhook:${new URL(t.url).origin}/…`;
  }
}

/** Same target = same queue, even when several audiences list it (the robot's limit is shared). */
export function targetKey(t: NotifyTarget): string {
  return JSON.stringify(t);
}

/** The parts of a target that must never reach a log line. */
export function targetSecrets(t: NotifyTarget): string[] {
  switch (t.kind) {
    case "wecom-robot":
      return [t.key];
    case "dingtalk-robot":
      return [t.accessToken, t.secret];
    case "webhook": {
      // Webhook URLs often carry their credential in the path or query (Slack, Feishu style).
      const u = new URL(t.url);
      return [t.url, u.pathname.length > 8 ? u.pathname : "", u.search.length > 8 ? u.search.slice(1) : ""];
    }
    default:
      return [];
  }
}

/** Replaces every secret (and its URL-encoded form) with [redacted]. */
export function scrubber(secrets: string[]): (text: string) => string {
  const all = [...new Set(secrets.filter((s) => s.length >= 4).flatMap((s) => [s, encodeURIComponent(s)]))];
  // Longest first, so a URL is redacted whole before the key inside it.
  all.sort((a, b) => b.length - a.length);
  return (text) => all.reduce((out, s) => out.split(s).join("[redacted]"), text);
}
