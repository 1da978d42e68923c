import { AppError } from "../src/errors.ts";
import type { Logger } from "../src/shared/logger.ts";

/** The chat edge's translation of AppError: a polite reply that says what to do next. */
export function chatErrorText(err: unknown, logger: Logger, usage?: string[]): string {
  if (err instanceof AppError) {
    const hint = usage?.length ? `\n用法:${usage.join(" | ")}` : "";
    switch (err.code) {
      case "forbidden":
        return `⛔ ${err.message}如需开通请联系管理员。`;
      case "not_found":
        return `没有找到:${err.message}。请检查号码后重试。${hint}`;
      case "bad_request":
      case "invalid_payload":
        return `输入有误:${err.message}${hint}`;
      case "conflict":
      case "insufficient_stock":
        return `无法完成:${err.message}`;
      case "unavailable":
        return `服务暂时不可用:${err.message}。请稍后再试。`;
      default:
        break;
    }
  }
  const ref = Math.random().toString(36).slice(2, 10);
  logger.error({ err, ref }, "chat command failed");
  return `抱歉,处理时出错了(编号 ${ref})。请稍后重试,或把编号发给管理员。`;
}
