/**
 * The one escaper per output context (scripts/render/escape.ts), tried with every control
 * character, the separators, quotes, backslashes, markup and non-BMP characters. Each context
 * is checked by reading the output back the way the consumer would.
 */
import { describe, expect, it } from "vitest";
import { toXml } from "xast-util-to-xml";
import { x } from "xastscript";
import {
  cssString,
  htmlAttribute,
  htmlText,
  pdfTextString,
  xmlCharacters,
} from "../../scripts/render/escape.ts";

/** U+0000–U+001F, U+007F, U+0080–U+009F. */
const controls = [
  ...Array.from({ length: 0x20 }, (_, code) => code),
  0x7f,
  ...Array.from({ length: 0x20 }, (_, index) => 0x80 + index),
].map((code) => String.fromCodePoint(code));

/** Whether any code point of `value` satisfies `test`. */
function anyCode(value: string, test: (code: number) => boolean): boolean {
  return [...value].some((char) => test(char.codePointAt(0) ?? 0));
}

const isControl = (code: number) => code <= 0x1f || (code >= 0x7f && code <= 0x9f);
const isLoneSurrogate = (code: number) => code >= 0xd800 && code <= 0xdfff;

const specials = [
  ...controls,
  "\u2028",
  "\u2029",
  '"',
  "'",
  "\\",
  "<",
  ">",
  "&",
  "</style",
  "</STYLE >",
  "}",
  "{",
  ";",
  "url(http://example.com/x)",
  "😀",
  "𝔸",
  "\uD800", // a lone high surrogate
  "\uDC00", // a lone low surrogate
];

/** Decode the inside of a CSS string as the CSS Syntax spec does; throws where it would end. */
function readCssString(escaped: string): string {
  let out = "";
  for (let i = 0; i < escaped.length; i++) {
    const char = escaped[i] ?? "";
    if (char === '"' || char === "'" || char === "\n" || char === "\r" || char === "\f")
      throw new Error(`the string ends or breaks at ${i}`);
    if (char !== "\\") {
      out += char;
      continue;
    }
    const hex = /^[0-9A-Fa-f]{1,6}/.exec(escaped.slice(i + 1))?.[0];
    if (hex === undefined) throw new Error(`a non-hex escape at ${i}`);
    i += hex.length;
    if (escaped[i + 1] === " ") i++;
    const code = Number.parseInt(hex, 16);
    out += code === 0 || code > 0x10ffff ? "\uFFFD" : String.fromCodePoint(code);
  }
  return out;
}

describe("cssString", () => {
  it.each(specials)("keeps %j inside the string and reads back the same", (value) => {
    const input = `a${value}b`;
    const escaped = cssString(input);
    expect(anyCode(escaped, (code) => isControl(code) || code === 0x2028 || code === 0x2029)).toBe(
      false,
    );
    expect(escaped).not.toMatch(/["'<>&]/);
    // A backslash is only ever the start of a hex escape ended by a space.
    expect(escaped.replace(/\\[0-9A-F]{1,6} /g, "")).not.toContain("\\");
    // NUL and lone surrogates cannot be held by CSS; everything else reads back unchanged.
    expect(readCssString(escaped)).toBe(
      input.replace(/\p{Cs}/gu, "\uFFFD").replaceAll(String.fromCodePoint(0), "\uFFFD"),
    );
  });

  it("stops the running-head attack: a form feed cannot end the string", () => {
    const escaped = cssString("X\f}} html{background:red} x{y:");
    expect(escaped).toBe("X\\C }} html{background:red} x{y:");
    expect(readCssString(escaped)).toBe("X\f}} html{background:red} x{y:");
  });

  it("leaves ordinary text, commas and non-BMP characters as they are", () => {
    expect(cssString("Leg ulcers, calcinosis, and bone infarcts in lupus")).toBe(
      "Leg ulcers, calcinosis, and bone infarcts in lupus",
    );
    expect(cssString("Ω 😀")).toBe("Ω 😀");
  });
});

/** Decode hex character references, as an HTML or XML parser would. */
function decodeReferences(value: string): string {
  return value
    .replace(/&#x([0-9A-F]+);/gi, (_, hex: string) =>
      String.fromCodePoint(Number.parseInt(hex, 16)),
    )
    .replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) =>
      name === "amp"
        ? "&"
        : name === "lt"
          ? "<"
          : name === "gt"
            ? ">"
            : name === "quot"
              ? '"'
              : "'",
    );
}

/** Code points HTML cannot carry: C0 other than tab, LF, FF, CR; DEL; C1; lone surrogates. */
const htmlForbidden = (value: string) =>
  anyCode(
    value,
    (code) =>
      (isControl(code) && ![0x09, 0x0a, 0x0c, 0x0d].includes(code)) || isLoneSurrogate(code),
  );

describe("htmlText and htmlAttribute", () => {
  it.each(specials)("%j cannot open a tag, end the attribute or break the document", (value) => {
    for (const escaper of [htmlText, htmlAttribute]) {
      const escaped = escaper(`a${value}b`);
      expect(escaped).not.toMatch(/[<>"]/);
      expect(htmlForbidden(escaped)).toBe(false);
      // Every & starts a character reference, and no reference names a forbidden character.
      expect(escaped.replace(/&#x[0-9A-F]+;/g, "")).not.toContain("&");
      expect(htmlForbidden(decodeReferences(escaped))).toBe(false);
    }
    expect(htmlAttribute(`a${value}b`)).not.toContain("'");
  });

  it("keeps what HTML can hold and replaces what it cannot", () => {
    expect(htmlText('a & <b> "c"')).toBe("a &#x26; &#x3C;b&#x3E; &#x22;c&#x22;");
    expect(htmlAttribute("it's")).toBe("it&#x27;s");
    expect(htmlText("tab\tline\nff\fcr\r")).toBe("tab\tline\nff\fcr\r");
    expect(htmlText("nul\u0000 bell\u0007 del\u007f c1\u0085")).toBe(
      "nul\uFFFD bell\uFFFD del\uFFFD c1\uFFFD",
    );
    expect(htmlText("😀 \u2028")).toBe("😀 \u2028");
  });
});

/** Decode a `<FEFF…>` hex string as a PDF reader does. */
function readPdfTextString(literal: string): string {
  const match = /^<FEFF([0-9A-F]*)>$/.exec(literal);
  if (!match?.[1]) throw new Error(`not a UTF-16BE hex string: ${literal}`);
  const units = match[1].match(/.{4}/g) ?? [];
  return String.fromCharCode(...units.map((unit) => Number.parseInt(unit, 16)));
}

describe("pdfTextString", () => {
  it.each(specials)("%j stays inside one hex string", (value) => {
    const literal = pdfTextString(`a${value}b`);
    expect(literal).toMatch(/^<FEFF(?:[0-9A-F]{4})+>$/);
    const read = readPdfTextString(literal);
    expect(read.startsWith("a") && read.endsWith("b")).toBe(true);
    expect(anyCode(read, (code) => isControl(code) || code === 0x2028 || code === 0x2029)).toBe(
      false,
    );
  });

  it("writes non-BMP characters as surrogate pairs and keeps parentheses and backslashes", () => {
    expect(readPdfTextString(pdfTextString("x) /Evil (y\\ 😀"))).toBe("x) /Evil (y\\ 😀");
    expect(pdfTextString("😀")).toBe("<FEFFD83DDE00>");
    expect(readPdfTextString(pdfTextString("two\nlines\u0000"))).toBe("two lines ");
  });
});

/** Code points XML 1.0 cannot hold even as references. */
const xmlForbidden = (value: string) =>
  anyCode(
    value,
    (code) =>
      (code <= 0x1f && ![0x09, 0x0a, 0x0d].includes(code)) ||
      code === 0xfffe ||
      code === 0xffff ||
      isLoneSurrogate(code),
  );

describe("xmlCharacters and the XML serialiser", () => {
  it.each([...specials, "\uFFFE", "\uFFFF"])("%j gives well-formed XML", (value) => {
    const text = xmlCharacters(`a${value}b`);
    expect(xmlForbidden(text)).toBe(false);
    const xml = toXml(x("p", { title: text }, text));
    expect(xmlForbidden(decodeReferences(xml))).toBe(false);
    expect(xml.replace(/&(?:#x[0-9A-F]+|#\d+|amp|lt|gt|quot|apos);/gi, "")).not.toContain("&");
    expect(xml.match(/</g)).toHaveLength(2);
  });

  it("keeps text XML can hold", () => {
    const value = `<a href="x">Tom & Jerry's</a>\r\n\t😀\u0085`;
    expect(xmlCharacters(value)).toBe(value);
  });
});
