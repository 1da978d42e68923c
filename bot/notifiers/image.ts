import type { Notice } from "../../src/shared/notifier.ts";

/** A picture that goes with a notice (the daily report's chart). */
export interface NoticeImage {
  /** PNG bytes, or the same bytes in base64. */
  png: Buffer | string;
  /** What the picture shows, for targets that cannot show it. */
  alt: string;
}

/**
 * A notice that may carry an image. `Notice.image` is an optional field; reading it through this
 * guard compiles whether or not src/shared/notifier.ts declares it yet.
 */
export type NoticeWithImage = Notice & { image?: NoticeImage };

/** The notice's image as bytes, or null when it has none (or something that is not a PNG). */
export function noticeImage(notice: Notice): { png: Buffer; alt: string } | null {
  const image = (notice as { image?: unknown }).image;
  if (typeof image !== "object" || image === null) return null;
  const { png, alt } = image as { png?: unknown; alt?: unknown };
  const bytes = Buffer.isBuffer(png)
    ? png
    : typeof png === "string" && png.length > 0
      ? Buffer.from(png, "base64")
      : null;
  if (!bytes || !isPng(bytes)) return null;
  return { png: bytes, alt: typeof alt === "string" ? alt : "" };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function isPng(bytes: Buffer): boolean {
  return bytes.length > PNG_SIGNATURE.length && bytes.subarray(0, 8).equals(PNG_SIGNATURE);
}
