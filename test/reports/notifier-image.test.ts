import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type NoticeImage, type NoticeWithImage, noticeImage } from "../../bot/notifiers/image.ts";
import { WECOM_ROBOT_IMAGE_MAX, wecomRobotMessages } from "../../bot/notifiers/wecom-robot.ts";
import { paidChartPng } from "../../src/reports/chart.ts";

const png = paidChartPng(
  Array.from({ length: 7 }, (_, i) => ({ day: `2026-11-2${i + 1}`, paidAmount: (i + 1) * 10_000 })),
);
const base: NoticeWithImage = { to: "managers", title: "经营日报 2026-11-27", text: "- 付款订单:**2**" };
/** Until Notice declares `image`, a notice with one is built as a NoticeWithImage, as the job does. */
const withImage = (image: NoticeImage): NoticeWithImage => ({ ...base, image });

describe("images on notices", () => {
  it("a WeCom group robot gets the markdown, then the PNG with its md5", () => {
    const [md, img, ...rest] = wecomRobotMessages(withImage({ png, alt: "chart" }), undefined);
    expect(rest).toEqual([]);
    expect(md).toEqual({
      msgtype: "markdown",
      markdown: { content: "**经营日报 2026-11-27**\n\n- 付款订单:**2**" },
    });
    expect(img).toEqual({
      msgtype: "image",
      image: { base64: png.toString("base64"), md5: createHash("md5").update(png).digest("hex") },
    });
  });

  it("accepts the PNG as base64 too", () => {
    expect(noticeImage(withImage({ png: png.toString("base64"), alt: "chart" }))?.png.equals(png)).toBe(true);
  });

  it("leaves out what is not a PNG, and a picture over the robot's 2 MB", () => {
    expect(wecomRobotMessages(withImage({ png: Buffer.from("GIF89a…"), alt: "x" }), undefined)).toHaveLength(
      1,
    );
    const huge = Buffer.concat([png.subarray(0, 8), Buffer.alloc(WECOM_ROBOT_IMAGE_MAX)]);
    expect(wecomRobotMessages(withImage({ png: huge, alt: "x" }), undefined)).toHaveLength(1);
  });

  it("a notice without an image is sent as before", () => {
    expect(wecomRobotMessages(base, undefined)).toEqual([
      { msgtype: "markdown", markdown: { content: "**经营日报 2026-11-27**\n\n- 付款订单:**2**" } },
    ]);
  });
});
