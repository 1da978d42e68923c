import nodemailer from "nodemailer";
import type { Notice } from "../../src/shared/notifier.ts";
import type { Card } from "../card.ts";
import { PlatformError } from "../platform-clients.ts";
import { noticeSubject, noticeText } from "./format.ts";
import type { Transport } from "./transport.ts";

export interface Mail {
  from: string;
  to: string;
  subject: string;
  text: string;
}

/** Sending mail, behind an interface so the notifier does not care how. */
export interface Mailer {
  send(mail: Mail, signal: AbortSignal): Promise<void>;
  close(): void;
}

const NETWORK = new Set(["ECONNECTION", "ETIMEDOUT", "ESOCKET", "EDNS", "ETLS", "EPROTOCOL"]);

/** nodemailer errors → PlatformError: 4xx replies and network trouble are worth retrying, 5xx and auth are not. */
function mailError(e: unknown): PlatformError {
  const err = (e ?? {}) as { code?: unknown; responseCode?: unknown; permanent?: unknown; message?: unknown };
  const code = typeof err.code === "string" ? err.code : "unknown";
  const reply = typeof err.responseCode === "number" ? err.responseCode : null;
  const retryable =
    reply !== null ? reply >= 400 && reply < 500 && err.permanent !== true : NETWORK.has(code);
  // Only the code and reply: nodemailer errors also carry the SMTP command (AUTH lines).
  return new PlatformError(
    "smtp",
    reply ? String(reply) : code,
    `smtp ${code}${reply ? ` ${reply}` : ""}`,
    retryable,
  );
}

/** A real SMTP mailer from SMTP_URL (smtp://user:pass@host:port, smtps:// for implicit TLS). */
export function smtpMailer(url: string, timeoutMs = 15_000): Mailer {
  const transporter = nodemailer.createTransport({
    url,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return {
    async send(mail, signal) {
      try {
        await transporter.sendMail({ ...mail, signal });
      } catch (e) {
        throw mailError(e);
      }
    },
    close: () => transporter.close(),
  };
}

export function emailTransport(input: { mailer: Mailer; from: string; to: string }): Transport<Mail> {
  return {
    prepare: (notice: Notice, card: Card | undefined) => [
      { from: input.from, to: input.to, subject: noticeSubject(notice), text: noticeText(notice, card) },
    ],
    deliver: (mail, signal) => input.mailer.send(mail, signal),
  };
}
