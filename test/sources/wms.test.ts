import { describe, expect, it } from "vitest";
import { adapters } from "../../src/sources/index.ts";
import { editFixture, expectParseError, fixture, ownPush, parseOne } from "./helpers.ts";

const wms = adapters.wms;

const OUTBOUND = {
  order_no: "M20260118001",
  event_id: "wms-evt-9",
  event_time: "2026-11-28T16:31:47+08:00",
  warehouse_code: "HZXS01",
  packaged_time: 1795854011,
  logistics_no: "78498765432109",
  carrier: "ZTO",
  outbound_time: 1795854707,
};
const outbound = (over: Record<string, unknown> = {}) => JSON.stringify({ ...OUTBOUND, ...over });

describe("wms outbound JSON (SPEC §2.1)", () => {
  it("parses a packed and shipped order", () => {
    const push = ownPush(outbound());
    const e = parseOne(wms, push);
    expect(e).toEqual({
      source: "wms",
      kind: "outbound",
      sourceEventId: "wms-evt-9",
      orderRef: { orderNo: "M20260118001" },
      eventTime: 1_795_854_707_000,
      rawStatus: null,
      fields: {
        packaged_time: 1795854011,
        logistics_no: "78498765432109",
        outbound_time: 1795854707,
        status: null,
        packing_media: "",
      },
      shipment: { waybillNo: "78498765432109", carrier: "ZTO" },
    });
    expect(wms.deliveryKey([e], push)).toBe("wms-evt-9");
  });

  it("reports 0 and '' for an order not yet packed", () => {
    const e = parseOne(
      wms,
      ownPush(outbound({ packaged_time: 0, logistics_no: "", outbound_time: 0, carrier: "" })),
    );
    expect(e.fields).toEqual({
      packaged_time: 0,
      logistics_no: "",
      outbound_time: 0,
      status: null,
      packing_media: "",
    });
    expect(e.shipment).toBeUndefined();
  });

  it("keeps the packing video link when it is an http(s) URL, and nothing else", () => {
    const url = "https://media.example.com/pack/M20260118001.mp4";
    expect(parseOne(wms, ownPush(outbound({ packing_media_url: url }))).fields.packing_media).toBe(url);
    expect(parseOne(wms, ownPush(outbound({ packing_video_url: url }))).fields.packing_media).toBe(url);
    for (const bad of ["javascript:alert(1)", "ftp://x/y", "https://a b", ""]) {
      expect(parseOne(wms, ownPush(outbound({ packing_media_url: bad }))).fields.packing_media).toBe("");
    }
  });

  it("accepts event_time as unix seconds, milliseconds or China local text", () => {
    for (const t of [1795854707, 1795854707000, "2026-11-28 16:31:47"]) {
      expect(parseOne(wms, ownPush(outbound({ event_time: t }))).eventTime).toBe(1_795_854_707_000);
    }
  });

  it("has no event id when the warehouse sends none", () => {
    const push = ownPush(outbound({ event_id: undefined }));
    const e = parseOne(wms, push);
    expect(e.sourceEventId).toBeNull();
    expect(wms.deliveryKey([e], push)).toBeNull();
  });

  it.each([
    ["no order_no", { order_no: undefined }, "$"],
    ["an order_no that is not an id", { order_no: 1.5 }, "order_no"],
    ["no event_time", { event_time: undefined }, "event_time"],
    ["a garbage event_time", { event_time: "later" }, "event_time"],
    ["a negative packaged_time", { packaged_time: -5 }, "packaged_time"],
    ["a packaged_time object", { packaged_time: { s: 1 } }, "packaged_time"],
    ["logistics_no as a list", { logistics_no: ["1"] }, "logistics_no"],
  ])("rejects outbound JSON with %s", (_name, over, path) => {
    expectParseError(wms, ownPush(outbound(over)), path);
  });
});

describe("wms Qimen deliveryorder.confirm", () => {
  const expected = {
    source: "wms",
    kind: "qimen_confirm",
    sourceEventId: "CFM-DO2611280000123-1",
    orderRef: { orderNo: "DO2611280000123" },
    eventTime: 1_795_854_707_000,
    rawStatus: "DELIVERED",
    fields: {
      packaged_time: 1_795_854_011,
      logistics_no: "78498765432109",
      outbound_time: 1_795_854_707,
      status: "DELIVERED",
      packing_media: "",
    },
    shipment: { waybillNo: "78498765432109", carrier: "中通快递" },
  };

  it("parses the XML fixture", () => {
    expect(parseOne(wms, ownPush(fixture("wms-qimen-deliveryorder-confirm.xml")))).toEqual(expected);
  });

  it("parses the JSON fixture to the same event", () => {
    expect(parseOne(wms, ownPush(fixture("wms-qimen-deliveryorder-confirm.json")))).toEqual(expected);
  });

  it("parses JSON wrapped in a request object", () => {
    const body = `{"request":${fixture("wms-qimen-deliveryorder-confirm.json").toString("utf8")}}`;
    expect(parseOne(wms, ownPush(body))).toEqual(expected);
  });

  it("detects XML after leading whitespace", () => {
    const body = `\n  ${fixture("wms-qimen-deliveryorder-confirm.xml").toString("utf8")}`;
    expect(parseOne(wms, ownPush(body)).kind).toBe("qimen_confirm");
  });

  it("takes the first of several packages and decodes entities", () => {
    const second = "<package><logisticsCode>SF</logisticsCode><expressCode>SF1234</expressCode></package>";
    const body = editFixture(
      "wms-qimen-deliveryorder-confirm.xml",
      "</package>\n  </packages>",
      `</package>${second}</packages>`,
    ).replace("<logisticsName>中通快递</logisticsName>", "<logisticsName>中通&amp;快递</logisticsName>");
    expect(parseOne(wms, ownPush(body)).shipment).toEqual({
      waybillNo: "78498765432109",
      carrier: "中通&快递",
    });
  });

  it("keeps leading zeros in codes and reads a missing package time as 0", () => {
    const body = editFixture(
      "wms-qimen-deliveryorder-confirm.xml",
      "<expressCode>78498765432109</expressCode>",
      "<expressCode>0078498765432109</expressCode>",
    ).replace(/<extendProps>[\s\S]*<\/extendProps>/, "<extendProps/>");
    expect(parseOne(wms, ownPush(body)).fields).toMatchObject({
      logistics_no: "0078498765432109",
      packaged_time: 0,
    });
  });

  it("reports no waybill when nothing has been packed", () => {
    const body = editFixture(
      "wms-qimen-deliveryorder-confirm.xml",
      /<packages>[\s\S]*<\/packages>/,
      "<packages/>",
    );
    const e = parseOne(wms, ownPush(body));
    expect(e.fields.logistics_no).toBe("");
    expect(e.shipment).toBeUndefined();
  });

  it("derives an event id when outBizCode is absent", () => {
    const body = editFixture("wms-qimen-deliveryorder-confirm.xml", /<outBizCode>.*<\/outBizCode>/, "");
    expect(parseOne(wms, ownPush(body)).sourceEventId).toBe(
      "qimen:DO2611280000123:DELIVERED:2026-11-28 16:31:47",
    );
  });

  it.each([
    ["truncated XML", (x: string) => x.slice(0, 300)],
    ["mismatched tags", (x: string) => x.replace("</status>", "</statuz>")],
    ["another root element", (x: string) => x.replace(/request>/g, "response>")],
    ["no deliveryOrderCode", (x: string) => x.replace(/<deliveryOrderCode>.*<\/deliveryOrderCode>/, "")],
    [
      "a bad confirm time",
      (x: string) =>
        x.replace(/<orderConfirmTime>.*<\/orderConfirmTime>/, "<orderConfirmTime>today</orderConfirmTime>"),
    ],
    [
      "a bad package time",
      (x: string) => x.replace("<packageTime>2026-11-28 16:20:11", "<packageTime>16:20"),
    ],
    ["plain garbage", () => "<<<>>>"],
    ["a lone angle bracket", () => "<"],
  ])("rejects XML with %s", (_name, mangle) => {
    expectParseError(wms, ownPush(mangle(fixture("wms-qimen-deliveryorder-confirm.xml").toString("utf8"))));
  });

  it("rejects JSON that is neither format, and an empty body", () => {
    expectParseError(wms, ownPush('{"deliveryOrder":"x"}'), "request.deliveryOrder");
    expectParseError(wms, ownPush('{"status":"DELIVERED"}'), "$");
    expectParseError(wms, ownPush(""));
  });
});
