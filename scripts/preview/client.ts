/**
 * The preview page's only JavaScript: a small reload client, inlined by the server and allowed
 * by the page's Content-Security-Policy through its SHA-256 hash. It listens to the server's
 * Server-Sent Events, reloads the page when a newer build was written (keeping the scroll
 * position in sessionStorage), and shows the diagnostics panel, the draft/stale banner and the
 * PDF link. It builds every element with `textContent`, never from HTML strings.
 */
import { createHash } from "node:crypto";

/** The path of the event stream. */
export const eventsPath = "/__casepress/events";

/** The reload client's source. */
export const clientScript = `(() => {
  "use strict";
  const page = Number(document.querySelector('meta[name="casepress-build"]')?.content ?? "0");
  const key = "casepress-scroll:" + location.pathname;
  const saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    const restore = () => window.scrollTo(0, Number(saved));
    if (document.readyState === "complete") restore();
    else addEventListener("load", restore);
  }
  const make = (tag, className, text) => {
    const element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined) element.textContent = text;
    return element;
  };
  const banner = make("div", "casepress-banner");
  banner.id = "casepress-banner";
  banner.setAttribute("role", "status");
  banner.hidden = true;
  const panel = make("aside", "casepress-panel");
  panel.id = "casepress-panel";
  panel.setAttribute("aria-label", "Casepress preview");
  const heading = make("p", "casepress-heading", "Problems ");
  const badge = make("span", "casepress-count", "0");
  badge.id = "casepress-count";
  heading.append(badge);
  const list = make("ol", "casepress-problems");
  list.id = "casepress-problems";
  const pdf = make("p", "casepress-pdf");
  pdf.id = "casepress-pdf";
  panel.append(heading, list, pdf);
  const mount = () => document.body.append(banner, panel);
  if (document.body) mount();
  else addEventListener("DOMContentLoaded", mount);
  let reloading = false;
  const show = (state) => {
    if (state.page !== page && !reloading) {
      reloading = true;
      sessionStorage.setItem(key, String(window.scrollY));
      location.reload();
      return;
    }
    badge.textContent = String(state.errors + state.warnings);
    badge.dataset.errors = String(state.errors);
    list.replaceChildren(
      ...state.messages.map((message) => {
        const item = make("li", "casepress-" + message.severity);
        item.dataset.rule = message.rule;
        item.dataset.line = String(message.line);
        item.dataset.column = String(message.column);
        item.append(
          make("span", "casepress-place", (message.file ? message.file + ":" : "") + message.line + ":" + message.column),
          " ",
          make("span", "casepress-severity", message.severity),
          " ",
          make("code", "casepress-rule", message.rule),
          " ",
          make("span", "casepress-message", message.message),
        );
        return item;
      }),
    );
    panel.dataset.count = String(state.messages.length);
    if (!state.written) {
      banner.textContent = "Stale page: the last build wrote nothing (" + state.errors + " errors, see the panel). This page is from an earlier build.";
      banner.hidden = false;
    } else if (state.errors > 0) {
      banner.textContent = "Draft with " + state.errors + (state.errors === 1 ? " error" : " errors") + ": each problem is marked in place and listed in the panel.";
      banner.hidden = false;
    } else {
      banner.textContent = "";
      banner.hidden = true;
    }
    if (state.pdf.status === "ready") {
      const link = make("a", "", "PDF");
      link.href = state.pdf.href;
      pdf.replaceChildren(link, " " + state.pdf.pages + (state.pdf.pages === 1 ? " page" : " pages") + ", printed " + new Date(state.pdf.printedAt).toLocaleTimeString());
    } else if (state.pdf.status === "printing") {
      pdf.textContent = "PDF: printing…";
    } else {
      pdf.textContent = state.pdf.reason ? "PDF: " + state.pdf.reason : "";
    }
  };
  const events = new EventSource(${JSON.stringify(eventsPath)});
  events.addEventListener("state", (event) => show(JSON.parse(event.data)));
})();`;

/** The panel's and banner's style, inlined and allowed by its hash. */
export const clientStyle = `#casepress-banner{position:sticky;top:0;z-index:1000;margin:0;padding:.4em 1em;background:#b00020;color:#fff;font:600 14px/1.4 system-ui,sans-serif}
#casepress-panel{position:fixed;right:8px;bottom:8px;z-index:1000;max-width:min(36em,90vw);max-height:40vh;overflow:auto;padding:.4em .8em;background:#fff;border:1px solid #888;border-radius:4px;box-shadow:0 2px 8px rgba(0,0,0,.2);font:13px/1.4 system-ui,sans-serif;color:#111}
#casepress-panel[data-count="0"] .casepress-problems{display:none}
.casepress-heading{margin:0;font-weight:700}
.casepress-count{display:inline-block;min-width:1.4em;padding:0 .3em;border-radius:.7em;background:#2e7d32;color:#fff;text-align:center}
.casepress-count:not([data-errors="0"]){background:#b00020}
.casepress-problems{margin:.3em 0;padding-left:1.2em}
.casepress-error .casepress-severity{color:#b00020;font-weight:700}
.casepress-warning .casepress-severity{color:#8a5a00;font-weight:700}
.casepress-place{font-family:monospace}
.casepress-pdf{margin:0}
@media print{#casepress-banner,#casepress-panel{display:none}}`;

/** The CSP source for an inline script or style: `'sha256-…'`. */
export function cspHash(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}
