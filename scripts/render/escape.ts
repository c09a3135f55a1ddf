/**
 * The one place that turns text into a piece of an output language. Each output context has
 * exactly one escaper here; nothing else in Casepress builds CSS strings, HTML text or
 * attributes, PDF strings or XML by hand.
 *
 * Every escaper walks the text code point by code point and decides for each one, so no
 * character class can be forgotten: C0 controls (U+0000–U+001F), DEL (U+007F), C1 controls
 * (U+0080–U+009F), the line and paragraph separators (U+2028, U+2029), lone surrogates, quotes,
 * backslashes and markup characters all have a defined result in every context.
 */

/** The replacement character, for code points a context cannot carry at all. */
const REPLACEMENT = "\uFFFD";

/** Whether `code` is a C0 control, DEL or a C1 control. */
function isControl(code: number): boolean {
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
}

/** Whether `code` is half of a surrogate pair (only seen alone: paired ones arrive joined). */
function isSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdfff;
}

/** Uppercase hexadecimal digits of a code point. */
function hex(code: number): string {
  return code.toString(16).toUpperCase();
}

/** Apply `map` to each code point of `value`; `undefined` keeps the character as it is. */
function mapCodePoints(value: string, map: (code: number) => string | undefined): string {
  let out = "";
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0xfffd;
    out += map(code) ?? char;
  }
  return out;
}

/**
 * Text for the inside of a double-quoted CSS string in a `<style>` element or stylesheet,
 * e.g. `content: "${cssString(title)}"`.
 *
 * Everything that could end the string, the declaration or the `<style>` element, or that CSS
 * treats specially, is written as a hex escape `\HEX ` (the trailing space ends the escape and
 * is not part of the value): controls including `\f` and `\r`, DEL, C1 controls, U+2028/2029,
 * `"`, `'`, `\`, `<`, `>` and `&`. NUL and lone surrogates, which CSS cannot hold, become
 * U+FFFD. Other characters, non-BMP ones included, stay as they are.
 */
export function cssString(value: string): string {
  return mapCodePoints(value, (code) => {
    if (code === 0 || isSurrogate(code)) return "\\FFFD ";
    if (
      isControl(code) ||
      code === 0x2028 ||
      code === 0x2029 ||
      code === 0x22 || // "
      code === 0x27 || // '
      code === 0x5c || // \
      code === 0x3c || // <
      code === 0x3e || // >
      code === 0x26 // &
    ) {
      return `\\${hex(code)} `;
    }
    return undefined;
  });
}

/**
 * HTML for a code point that HTML cannot carry, or undefined for one it can: C0 controls other
 * than tab, line feed, form feed and carriage return, DEL, C1 controls and lone surrogates are
 * parse errors even as character references (and `&#x80;`–`&#x9F;` would be read as
 * Windows-1252), so they become U+FFFD.
 */
function htmlUnrepresentable(code: number): string | undefined {
  if (code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d) return undefined;
  if (isControl(code) || isSurrogate(code)) return REPLACEMENT;
  return undefined;
}

/**
 * Text for HTML element content, e.g. `<title>${htmlText(title)}</title>`: `&`, `<`, `>` and
 * `"` become character references (`&#x26;` …); controls HTML cannot carry become U+FFFD.
 */
export function htmlText(value: string): string {
  return mapCodePoints(value, (code) => {
    if (code === 0x26 || code === 0x3c || code === 0x3e || code === 0x22) return `&#x${hex(code)};`;
    return htmlUnrepresentable(code);
  });
}

/**
 * Text for a double- or single-quoted HTML attribute value, e.g.
 * `<html lang="${htmlAttribute(lang)}">`: `&`, `<`, `>`, `"` and `'` become character
 * references; controls HTML cannot carry become U+FFFD.
 */
export function htmlAttribute(value: string): string {
  return mapCodePoints(value, (code) => {
    if (code === 0x26 || code === 0x3c || code === 0x3e || code === 0x22 || code === 0x27)
      return `&#x${hex(code)};`;
    return htmlUnrepresentable(code);
  });
}

/**
 * A PDF text string (PDF 32000-1 §7.9.2.2) as a hex string literal: `<FEFF…>`, UTF-16BE with a
 * byte order mark. A hex string holds only hex digits, so no character of `value` can end it
 * or start another object. Controls, DEL, C1 controls and U+2028/2029 become spaces (document
 * information is one line); lone surrogates become U+FFFD; non-BMP characters are written as
 * surrogate pairs.
 */
export function pdfTextString(value: string): string {
  let out = "<FEFF";
  for (const char of value) {
    let code = char.codePointAt(0) ?? 0xfffd;
    if (isControl(code) || code === 0x2028 || code === 0x2029) code = 0x20;
    else if (isSurrogate(code)) code = 0xfffd;
    if (code > 0xffff) {
      const offset = code - 0x10000;
      out += unit(0xd800 + (offset >> 10)) + unit(0xdc00 + (offset & 0x3ff));
    } else {
      out += unit(code);
    }
  }
  return `${out}>`;
}

/**
 * A PDF byte string (PDF 32000-1 §7.3.4.2) as a literal string `( … )`, for ASCII values that
 * are not text: dates (`D:20231114221320Z`) and identifiers (`node00000001`), which keep their
 * length this way. `(`, `)` and `\` are backslash-escaped and every byte outside printable
 * ASCII is written as a three-digit octal escape, so nothing in `value` can end the string.
 * Code points above U+00FF have no single byte and throw a RangeError: use {@link pdfTextString}.
 */
export function pdfLiteralString(value: string): string {
  const body = mapCodePoints(value, (code) => {
    if (code > 0xff) throw new RangeError(`U+${hex(code)} cannot be written in a PDF byte string`);
    if (code === 0x28 || code === 0x29 || code === 0x5c) return `\\${String.fromCharCode(code)}`;
    if (code < 0x20 || code >= 0x7f) return `\\${code.toString(8).padStart(3, "0")}`;
    return undefined;
  });
  return `(${body})`;
}

/** One UTF-16 code unit as four hex digits. */
function unit(code: number): string {
  return hex(code).padStart(4, "0");
}

/**
 * XML 1.0 for a code point it cannot hold, or undefined: C0 controls other than tab, line feed
 * and carriage return, lone surrogates, U+FFFE and U+FFFF become U+FFFD (not even character
 * references may name them); DEL and C1 controls, allowed but discouraged, become references.
 */
function xmlUnrepresentable(code: number): string | undefined {
  if (code <= 0x1f || isSurrogate(code) || code === 0xfffe || code === 0xffff) return REPLACEMENT;
  return undefined;
}

/**
 * Text that XML 1.0 can hold, for the XML writers (JATS, XMP). Markup characters are escaped by
 * xast-util-to-xml when the tree is serialised; this removes what no escaping can carry: C0
 * controls other than tab, line feed and carriage return, lone surrogates, U+FFFE and U+FFFF
 * are dropped. DEL and C1 controls, allowed in XML, stay.
 */
export function xmlCharacters(value: string): string {
  return mapCodePoints(value, (code) =>
    code === 0x09 || code === 0x0a || code === 0x0d || xmlUnrepresentable(code) === undefined
      ? undefined
      : "",
  );
}
