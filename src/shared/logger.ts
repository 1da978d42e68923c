import { type Logger, pino } from "pino";

export type { Logger };

/** Paths that may carry secrets in anything we log; pino replaces them before serialising. */
const REDACT = [
  "authorization",
  "headers.authorization",
  "req.headers.authorization",
  'headers["x-anchor-signature"]',
  "secret",
  "*.secret",
  "token",
  "*.token",
  "apiToken",
  "config.API_TOKEN",
  "config.sourceSecrets",
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: "[redacted]" } }, destination ?? process.stdout);
}
