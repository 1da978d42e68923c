import { createCipheriv, randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Card, decodeActionKey } from "../../bot/card.ts";
import { renderCardMarkdown } from "../../bot/render-text.ts";
import { parseInner, parseOuter, WecomXmlError } from "../../bot/wecom/parse.ts";
import {
  clip,
  renderMarkdownMessages,
  renderTemplateCard,
  WECOM_LIMITS,
} from "../../bot/wecom/render-card.ts";
import { decryptFor, openEnvelope, timestampFresh } from "../../bot/wecom/verify.ts";
import { cardEventXml, encryptFor, newEncodingAesKey, textMessageXml } from "../fakes/qyapi.ts";

const CORP_ID = "ww1436e0e65a779aee";
const keys = { token: "tok3n", encodingAesKey: newEncodingAesKey(), corpId: CORP_ID };

/** AES-256-CBC exactly as WeCom does it, for plaintexts the SDK's encrypt cannot produce. */
function rawCipher(plain: Buffer): string {
  const key = Buffer.from(`${keys.encodingAesKey}=`, "base64");
  const c = createCipheriv("aes-256-cbc", key, key.subarray(0, 16));
  c.setAutoPadding(false);
  return Buffer.concat([c.update(plain), c.final()]).toString("base64");
}

describe("verify", () => {
  it("opens what the SDK encrypted for this CorpID", () => {
    expect(decryptFor(keys.encodingAesKey, CORP_ID, encryptFor(keys, "你好 hello"))).toEqual({
      ok: true,
      message: "你好 hello",
    });
  });

  it("turns a too-short plaintext into a typed failure instead of a RangeError", () => {
    const plain = Buffer.concat([randomBytes(16), Buffer.alloc(16, 16)]);
    expect(decryptFor(keys.encodingAesKey, CORP_ID, rawCipher(plain))).toMatchObject({
      ok: false,
      reason: "malformed",
    });
  });

  it("rejects bad padding and a length field past the end", () => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(2);
    const badPad = Buffer.concat([
      randomBytes(16),
      len,
      Buffer.from("hi"),
      Buffer.from(CORP_ID),
      Buffer.alloc(24, 0),
    ]);
    expect(decryptFor(keys.encodingAesKey, CORP_ID, rawCipher(badPad)).ok).toBe(false);
    const huge = Buffer.alloc(4);
    huge.writeUInt32BE(0xffffffff);
    const body = Buffer.concat([randomBytes(16), huge, Buffer.from(`hi${CORP_ID}`)]);
    const pad = 32 - (body.length % 32);
    const tooLong = Buffer.concat([body, Buffer.alloc(pad, pad)]);
    expect(decryptFor(keys.encodingAesKey, CORP_ID, rawCipher(tooLong))).toMatchObject({
      ok: false,
      reason: "wrong_receiver",
    });
  });

  it("rejects non-base64, truncated and unaligned ciphertexts as malformed", () => {
    const good = encryptFor(keys, "x");
    for (const bad of ["", "!!!!", "abc", good.slice(0, -4), `${good}AAAA`, good.replace(/=+$/, "")]) {
      expect(decryptFor(keys.encodingAesKey, CORP_ID, bad), bad).toMatchObject({ ok: false });
    }
  });

  it("never throws, whatever arrives", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.string(),
        fc.string(),
        (signature, timestamp, nonce, encrypt) => {
          const r = openEnvelope({ ...keys, maxSkew: 300 }, { signature, timestamp, nonce, encrypt }, 0);
          expect(r.ok).toBe(false);
        },
      ),
    );
    fc.assert(
      fc.property(fc.base64String({ minLength: 32, maxLength: 200 }), (cipher) => {
        expect(decryptFor(keys.encodingAesKey, CORP_ID, cipher).ok).toBe(false);
      }),
    );
  });

  it("checks the timestamp window only when a skew is configured", () => {
    expect(timestampFresh("1000", 1_300_000, 300)).toBe(true);
    expect(timestampFresh("1000", 1_301_000, 300)).toBe(false);
    expect(timestampFresh("abc", 1_000_000, 300)).toBe(false);
    expect(timestampFresh("1", 9_999_999_999, 0)).toBe(true);
  });
});

describe("parse", () => {
  it("keeps ids and numeric text as strings", () => {
    const xml = textMessageXml({
      from: "007",
      content: "12345678901234567890",
      msgId: "4561255354251345929",
      createTime: 1409659813,
      corpId: CORP_ID,
      plain: true,
    });
    expect(parseInner(xml, 0)).toEqual({
      kind: "inbound",
      inbound: {
        platform: "wecom",
        dedupeKey: "msg:4561255354251345929",
        user: { id: "007" },
        conversation: { id: "007", kind: "direct" },
        at: 1409659813000,
        text: "12345678901234567890",
      },
    });
  });

  it("reads a card click and its menu variant with the ResponseCode beside the inbound", () => {
    for (const event of ["template_card_event", "template_card_menu_event"]) {
      const xml = cardEventXml({
        from: "sup1",
        eventKey: "test.approve|M1",
        taskId: "refund-M1-x",
        responseCode: "RC9",
        createTime: 1700000000,
        corpId: CORP_ID,
        event,
      });
      expect(parseInner(xml, 0)).toMatchObject({
        kind: "inbound",
        responseCode: "RC9",
        inbound: {
          dedupeKey: `evt:sup1|1700000000|${event}|test.approve|M1|refund-M1-x`,
          action: { key: "test.approve|M1", cardId: "refund-M1-x" },
        },
      });
    }
  });

  it("ignores other message types and events", () => {
    const image = `<xml><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>image</MsgType><MsgId>1</MsgId></xml>`;
    expect(parseInner(image, 0)).toMatchObject({ kind: "ignored" });
    const noKey = `<xml><FromUserName>u</FromUserName><MsgType>event</MsgType><Event>template_card_event</Event><TaskId>t</TaskId></xml>`;
    expect(parseInner(noKey, 0)).toMatchObject({ kind: "ignored" });
  });

  it("throws WecomXmlError for broken XML and a missing Encrypt", () => {
    for (const bad of [
      "",
      "<xml>",
      "<a></a>",
      "<xml><Encrypt></Encrypt></xml>",
      "<xml><Encrypt><x>1</x></Encrypt></xml>",
    ]) {
      expect(() => parseOuter(bad), bad).toThrow(WecomXmlError);
    }
    expect(
      parseOuter("<xml><ToUserName>ww</ToUserName><Encrypt>abc=</Encrypt><AgentID>2</AgentID></xml>"),
    ).toEqual({
      encrypt: "abc=",
      toUserName: "ww",
      agentId: "2",
    });
  });
});

// ---- render-card ------------------------------------------------------------------------

const anyText = (maxLength: number) =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: "grapheme", maxLength }),
    fc.string({ unit: "binary", maxLength }),
    fc.string({ unit: "grapheme-composite", maxLength }),
  );

const cardArb: fc.Arbitrary<Card> = fc.record(
  {
    id: fc.stringMatching(/^[0-9A-Za-z_\-@]{1,100}$/),
    kind: fc.constantFrom("order", "refund"),
    title: anyText(80),
    subtitle: anyText(80),
    fields: fc.array(
      fc.record(
        {
          label: anyText(12),
          value: anyText(60),
          url: fc.constantFrom("https://oms.example.com/o/1", "tel:13800000000", "http://x.cn"),
        },
        { requiredKeys: ["label", "value"] },
      ),
      { maxLength: 12 },
    ),
    lines: fc.array(anyText(100), { maxLength: 8 }),
    buttons: fc.array(
      fc.oneof(
        fc.record({
          text: anyText(20),
          style: fc.constantFrom("primary" as const, "danger" as const, "normal" as const),
          action: fc.record({ id: fc.stringMatching(/^[a-z.]{1,20}$/), payload: anyText(40) }),
        }),
        fc.record({ text: anyText(20), url: fc.constantFrom("https://a.cn/x", "tel:10086") }),
      ),
      { maxLength: 10 },
    ),
    footer: anyText(120),
  },
  { requiredKeys: ["id", "kind", "title", "fields", "buttons"] },
);

/** No lone surrogate: in /u mode a proper pair is one code point, a half is \p{Cs}. */
const wellFormed = (s: string) => !/\p{Cs}/u.test(s);

function strings(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === "object") return Object.values(v).flatMap(strings);
  return [];
}

interface Rendered {
  task_id: string;
  main_title: { title: string; desc?: string };
  sub_title_text?: string;
  horizontal_content_list?: { keyname: string; value: string; type?: number; url?: string }[];
  button_list: { text: string; key?: string; type?: number; url?: string }[];
  replace_text?: string;
}

describe("render-card", () => {
  it("renders any card within every template_card limit, without splitting a character", () => {
    fc.assert(
      fc.property(cardArb, (card) => {
        const out = renderTemplateCard(card) as unknown as Rendered;
        expect(out.task_id).toBe(card.id);
        expect(out.main_title.title.length).toBeLessThanOrEqual(WECOM_LIMITS.title);
        expect((out.main_title.desc ?? "").length).toBeLessThanOrEqual(WECOM_LIMITS.desc);
        expect((out.sub_title_text ?? "").length).toBeLessThanOrEqual(WECOM_LIMITS.subTitle);
        const horizontal = out.horizontal_content_list ?? [];
        expect(horizontal.length).toBeLessThanOrEqual(WECOM_LIMITS.horizontalItems);
        for (const h of horizontal) {
          expect(h.keyname.length).toBeLessThanOrEqual(WECOM_LIMITS.keyname);
          expect(h.value.length).toBeLessThanOrEqual(WECOM_LIMITS.value);
          if (h.type === 1) expect(h.url).toMatch(/^https?:\/\//);
        }
        expect(out.button_list.length).toBeLessThanOrEqual(WECOM_LIMITS.buttons);
        for (const b of out.button_list) {
          expect(b.text.length).toBeLessThanOrEqual(WECOM_LIMITS.buttonText);
          if (b.type === 1) expect(b.url).toMatch(/^https?:\/\//);
          else expect(Buffer.byteLength(b.key ?? "")).toBeLessThanOrEqual(WECOM_LIMITS.keyBytes);
        }
        // Every callback key comes back to an action the card really has.
        for (const b of out.button_list.filter((b) => b.key && !card.footer)) {
          const action = decodeActionKey(b.key as string);
          expect(
            card.buttons.some((cb) => cb.action?.id === action?.id && cb.action?.payload === action?.payload),
          ).toBe(true);
        }
        if (card.footer) {
          expect(out.replace_text).toBeTruthy();
          expect(out.button_list.length).toBeGreaterThan(0);
        } else {
          expect(out.replace_text).toBeUndefined();
        }
        for (const s of strings(out)) expect(wellFormed(s), JSON.stringify(s)).toBe(true);
        const md = renderMarkdownMessages(card);
        for (const chunk of md) {
          expect(Buffer.byteLength(chunk)).toBeLessThanOrEqual(WECOM_LIMITS.messageBytes);
          expect(wellFormed(chunk)).toBe(true);
        }
        expect(md.join("")).toBe(renderCardMarkdown(card));
      }),
      { numRuns: 300 },
    );
  });

  it("shows the footer of a decided card at the top of the sub title", () => {
    const out = renderTemplateCard({
      id: "c1",
      kind: "order",
      title: "t",
      fields: [],
      lines: ["x".repeat(300)],
      buttons: [],
      footer: "王主管 于 11-28 10:00 已处理 — 同意:ok",
    }) as unknown as Rendered;
    expect(out.sub_title_text).toMatch(/^【王主管 于 11-28 10:00 已处理/);
    expect(out.replace_text).toBe("已处理");
  });

  it("clips only between graphemes and keeps short text as it is", () => {
    const segmenter = new Intl.Segmenter("zh", { granularity: "grapheme" });
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme-composite", maxLength: 60 }),
        fc.integer({ min: 1, max: 40 }),
        (s, max) => {
          const out = clip(s, max);
          expect(out.length).toBeLessThanOrEqual(max);
          if (s.length <= max) {
            expect(out).toBe(s);
            return;
          }
          expect(out.endsWith("…")).toBe(true);
          const kept = out.slice(0, -1);
          const parts = [...segmenter.segment(s)].map((g) => g.segment);
          const prefix: string[] = [];
          for (const p of parts) {
            if (prefix.join("").length >= kept.length) break;
            prefix.push(p);
          }
          expect(prefix.join("")).toBe(kept);
        },
      ),
    );
  });
});
