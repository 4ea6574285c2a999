import {
  MAX_ADDRESSES,
  MAX_MESSAGE_ID_LENGTH,
  MAX_NAME_LENGTH,
  MAX_SUBJECT_LENGTH,
  MAX_THREAD_REFERENCES,
  parseMail,
} from "@helperiq/core/mail-in/parse";
import { describe, expect, it } from "vitest";

/** Header text as an RFC 2047 encoded word, so any character (NUL included) survives the transport. */
const encoded = (text: string) => `=?utf-8?B?${Buffer.from(text, "utf8").toString("base64")}?=`;
/** UTF-16LE bytes holding "H", a lone high surrogate and "I": what a broken mailer's encoded word can decode to. */
const LONE_SURROGATE_WORD = `=?utf-16le?B?${Buffer.from([0x48, 0x00, 0x00, 0xd8, 0x49, 0x00]).toString("base64")}?=`;

function mail(headers: string[], body = "Hello"): Uint8Array {
  return Buffer.from(
    [...headers, "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "", body, ""].join("\r\n"),
  );
}

const ordinary = [
  `From: "María González" <Maria@Customer.example>`,
  "To: support@acme.test, Billing <billing@acme.test>",
  "Subject: Order #10045 arrived damaged",
  "Message-ID: <CAH7x9Qm1d2k@mail.customer.example>",
  "In-Reply-To: <r1@acme.test>",
  "References: <r0@acme.test> <r1@acme.test>",
];

describe("imported header text is bounded and storable", () => {
  it("leaves ordinary headers as they are", async () => {
    const parsed = await parseMail(mail(ordinary));
    expect(parsed).toMatchObject({
      from: { address: "maria@customer.example", name: "María González" },
      to: ["support@acme.test", "billing@acme.test"],
      subject: "Order #10045 arrived damaged",
      messageId: "<CAH7x9Qm1d2k@mail.customer.example>",
      dedupeKey: "<CAH7x9Qm1d2k@mail.customer.example>",
      inReplyTo: ["<r1@acme.test>"],
      references: ["<r0@acme.test>", "<r1@acme.test>"],
    });
  });

  it("cuts a long subject and sender name, never inside a surrogate pair", async () => {
    const subject = `${"a".repeat(MAX_SUBJECT_LENGTH - 1)}😀 and 50 000 more characters ${"x".repeat(50_000)}`;
    const parsed = await parseMail(
      mail([
        `From: ${encoded("N".repeat(5000))} <n@customer.example>`,
        "To: support@acme.test",
        `Subject: ${encoded(subject)}`,
      ]),
    );
    expect(parsed.subject).toBe("a".repeat(MAX_SUBJECT_LENGTH - 1));
    expect(parsed.from).toEqual({ address: "n@customer.example", name: "N".repeat(MAX_NAME_LENGTH) });
    const exact = await parseMail(
      mail(["From: n@customer.example", `Subject: ${encoded(`${"b".repeat(MAX_SUBJECT_LENGTH - 2)}😀`)}`]),
    );
    expect(exact.subject).toBe(`${"b".repeat(MAX_SUBJECT_LENGTH - 2)}😀`);
  });

  it("removes NUL, replaces lone surrogates and turns controls into spaces in header text and bodies", async () => {
    const parsed = await parseMail(
      mail(
        [
          `From: ${encoded("Ma\u0000ria\tG\u0007")} <m@customer.example>`,
          "To: support@acme.test",
          `Subject: ${encoded("Hi\u0000there\r\nBcc: x")} ${LONE_SURROGATE_WORD}`,
        ],
        "body\u0000text",
      ),
    );
    expect(parsed.subject).toBe("Hithere Bcc: xH\uFFFDI");
    expect(parsed.from?.name).toBe("Maria G");
    expect(parsed.text).toBe("bodytext\n");
    expect(JSON.stringify(parsed.subject)).not.toMatch(/\\u0000|\\ud8/i);
  });

  it("drops a Message-ID or address too long to be real instead of cutting it; the ledger key falls back to the bytes' hash", async () => {
    const longId = `<${"i".repeat(MAX_MESSAGE_ID_LENGTH)}@mail.example>`;
    const longAddress = `${"l".repeat(250)}@customer.example`;
    const parsed = await parseMail(
      mail([
        `From: ${longAddress}`,
        `Sender: real@customer.example`,
        `To: ${longAddress}, support@acme.test`,
        "Subject: x",
        `Message-ID: ${longId}`,
        `In-Reply-To: ${longId} <ok@acme.test>`,
      ]),
    );
    expect(parsed.messageId).toBeNull();
    expect(parsed.dedupeKey).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(parsed.from?.address).toBe("real@customer.example");
    expect(parsed.to).toEqual(["support@acme.test"]);
    expect(parsed.inReplyTo).toEqual(["<ok@acme.test>"]);
  });

  it("keeps at most MAX_ADDRESSES recipients per header and the thread root plus the newest references", async () => {
    const many = Array.from({ length: 300 }, (_, i) => `r${i}@customer.example`);
    const refs = Array.from({ length: 500 }, (_, i) => `<ref${i}@mail.example>`);
    const parsed = await parseMail(
      mail([
        "From: a@customer.example",
        `To: ${many.join(", ")}`,
        `Cc: ${many.join(", ")}`,
        `Delivered-To: ${many.join(", ")}`,
        "Subject: x",
        `References: ${refs.join(" ")}`,
      ]),
    );
    expect(parsed.to).toEqual(many.slice(0, MAX_ADDRESSES));
    expect(parsed.cc).toHaveLength(MAX_ADDRESSES);
    expect(parsed.deliveredTo).toHaveLength(MAX_ADDRESSES);
    expect(parsed.references).toEqual([refs[0], ...refs.slice(-(MAX_THREAD_REFERENCES - 1))]);
  });
});
