/**
 * A local journal's `template.html` is as hostile as a manuscript: before use, its scripts,
 * frames, embedded objects, `<base>`, refresh `<meta>`, event handler attributes and remote or
 * `javascript:` URLs are cut out of the text, and each cut is listed with its line and column.
 * The template is parsed as a browser would (parse5, through hast-util-from-html) only to find
 * what to cut; everything else is kept byte for byte, `{{placeholders}}` included.
 */
import type { Element, Nodes, Text } from "hast";
import { fromHtml } from "hast-util-from-html";

/** One removal from a template. */
export interface TemplateRemoval {
  /** `html-raw-removed` for elements and handlers, `url-unsafe` for URLs. */
  rule: "html-raw-removed" | "url-unsafe";
  message: string;
  line: number;
  column: number;
}

/** Elements removed whole, with their content. */
const removedElements = new Set([
  "script",
  "iframe",
  "frame",
  "frameset",
  "object",
  "embed",
  "applet",
  "base",
  "portal",
  "noscript",
]);

/** Properties (hast names) that hold URLs. */
const urlProperties = new Set([
  "href",
  "src",
  "srcSet",
  "action",
  "formAction",
  "poster",
  "data",
  "background",
  "cite",
  "ping",
  "manifest",
  "xLinkHref",
  "longDesc",
  "codeBase",
  "archive",
]);

/** Whether `url` (with spaces and control characters ignored) is remote or has a scheme. */
function isUnsafeUrl(url: string): boolean {
  let compact = "";
  for (const char of url) if (char > " " && char !== "\u007f") compact += char;
  return /^[a-z][a-z0-9+.-]*:/i.test(compact) || compact.startsWith("//");
}

/** CSS that loads from elsewhere: `@import` and `url(...)` with a scheme or `//`. */
const remoteCss = /@import[^;]*;?|url\(\s*['"]?\s*(?:[a-z][a-z0-9+.-]*:|\/\/)[^)]*\)/gi;

interface Cut {
  start: number;
  end: number;
  replacement: string;
}

/** Remove active content and remote URLs from `html`; returns the safe text and what was cut. */
export function sanitizeTemplate(html: string): {
  html: string;
  removed: TemplateRemoval[];
  /** Set when active content could not be cut out: the template must not be used. */
  unsafe?: true;
} {
  const tree = fromHtml(html, { verbose: true });
  const cuts: Cut[] = [];
  const removed: TemplateRemoval[] = [];
  let unsafe = false;
  const note = (
    rule: TemplateRemoval["rule"],
    message: string,
    point: { line: number; column: number } | undefined,
  ) => removed.push({ rule, message, line: point?.line ?? 1, column: point?.column ?? 1 });

  const walk = (node: Nodes, parent?: Element): void => {
    if (node.type === "text" && parent?.tagName === "style") {
      cssText(node);
      return;
    }
    if (node.type !== "element" && node.type !== "root") return;
    if (node.type === "element" && !element(node)) return;
    for (const child of node.children) walk(child, node.type === "element" ? node : undefined);
  };

  const cssText = (node: Text) => {
    const start = node.position?.start.offset;
    const end = node.position?.end.offset;
    if (start === undefined || end === undefined) return;
    const source = html.slice(start, end);
    const cleaned = source.replace(remoteCss, (match) => {
      note(
        "url-unsafe",
        `Unexpected remote CSS \`${match.slice(0, 60)}\` in the template, expected local styles; it was removed.`,
        node.position?.start,
      );
      return match.startsWith("@") ? "" : "url()";
    });
    if (cleaned !== source) cuts.push({ start, end, replacement: cleaned });
  };

  /** Handle one element; false when it was removed whole. */
  const element = (node: Element): boolean => {
    const start = node.position?.start.offset;
    const end = node.position?.end.offset;
    const name = node.tagName;
    const refresh =
      name === "meta" && String(node.properties.httpEquiv ?? "").toLowerCase() === "refresh";
    const remoteLink =
      name === "link" &&
      typeof node.properties.href === "string" &&
      isUnsafeUrl(node.properties.href);
    if (removedElements.has(name) || refresh || remoteLink) {
      if (start !== undefined && end !== undefined) cuts.push({ start, end, replacement: "" });
      note(
        remoteLink ? "url-unsafe" : "html-raw-removed",
        `Unexpected \`<${name}>\` in the journal template, expected no active or remote content; it was removed.`,
        node.position?.start,
      );
      return false;
    }
    const positions = (
      node.data as
        | {
            position?: {
              properties?: Record<
                string,
                | {
                    start: { offset?: number; line: number; column: number };
                    end: { offset?: number };
                  }
                | undefined
              >;
            };
          }
        | undefined
    )?.position?.properties;
    const attributeCuts: Cut[] = [];
    const attributeNotes: [
      TemplateRemoval["rule"],
      string,
      { line: number; column: number } | undefined,
    ][] = [];
    for (const [property, value] of Object.entries(node.properties)) {
      const handler = /^on[A-Z]/.test(property);
      // `<html>` and `<body>` handlers and backgrounds are cut as text (see below).
      if ((name === "html" || name === "body") && (handler || property === "background")) continue;
      const url =
        urlProperties.has(property) &&
        (Array.isArray(value) ? value.map(String) : [String(value)]).some(isUnsafeUrl);
      const style = property === "style" && remoteCss.test(String(value));
      remoteCss.lastIndex = 0;
      if (!handler && !url && !style) continue;
      const place = positions?.[property];
      const from = place?.start.offset;
      const to = place?.end.offset;
      if (from === undefined || to === undefined) {
        // No position: an attribute of a second `<html>` or `<body>` tag, which the parser
        // merges into the first one; those tags are cleaned as text below. Anything else
        // makes the whole template unusable rather than kept.
        if (name !== "html" && name !== "body") unsafe = true;
        continue;
      }
      attributeCuts.push({ start: from, end: to, replacement: "" });
      attributeNotes.push([
        handler ? "html-raw-removed" : "url-unsafe",
        handler
          ? `Unexpected event handler attribute on \`<${name}>\` in the journal template, expected none; it was removed.`
          : `Unexpected remote or scripted URL on \`<${name}>\` in the journal template, expected a local path; it was removed.`,
        place?.start,
      ]);
    }
    cuts.push(...attributeCuts);
    for (const [rule, message, point] of attributeNotes) note(rule, message, point);
    return true;
  };

  walk(tree);
  // Every `<html>` and `<body>` start tag, cleaned as text: their attributes may have been merged.
  for (const tag of html.matchAll(/<(html|body)\b[^>]*>/gi)) {
    for (const attribute of tag[0].matchAll(
      /\s(on[a-z]+|background)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi,
    )) {
      const start = (tag.index ?? 0) + (attribute.index ?? 0);
      if (cuts.some((cut) => cut.start <= start && start < cut.end)) continue;
      cuts.push({ start, end: start + attribute[0].length, replacement: "" });
      const before = html.slice(0, start + 1).split("\n");
      note(
        attribute[1]?.toLowerCase() === "background" ? "url-unsafe" : "html-raw-removed",
        `Unexpected \`${attribute[1]}\` attribute on \`<${tag[1]}>\` in the journal template, expected none; it was removed.`,
        { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 },
      );
    }
  }
  if (unsafe) return { html: "", removed, unsafe: true };
  if (cuts.length === 0) return { html, removed };
  // Apply from the end, skipping cuts inside an earlier (enclosing) one.
  cuts.sort((a, b) => b.start - a.start || a.end - b.end);
  let result = html;
  let floor = Number.POSITIVE_INFINITY;
  for (const cut of cuts) {
    if (cut.end > floor) continue;
    result = result.slice(0, cut.start) + cut.replacement + result.slice(cut.end);
    floor = cut.start;
  }
  removed.sort((a, b) => a.line - b.line || a.column - b.column);
  return { html: result, removed };
}
