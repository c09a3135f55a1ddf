/**
 * `casepress preview` in a real browser (puppeteer, Debian Chromium): the page reloads itself
 * after an edit, the diagnostics panel shows a new problem at its line and clears when it is
 * fixed, the scroll position survives the reload, the PDF view links the printed PDF, and
 * nothing outside the output is served.
 */
import { cp, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBrowser } from "../../scripts/pdf/find-browser.ts";
import { type LivePreview, startLivePreview } from "../../scripts/preview/live-preview.ts";
import { repositoryDirectory } from "../helpers.ts";

const browserPath = findBrowser(process.env, { headlessShell: false }).path; // a reader's browser
let project = "";
let preview: LivePreview | undefined;
let browser: Browser | undefined;
let page: Page;
let original = "";
const manuscript = () => join(project, "manuscript", "case-report.md");

/**
 * Wait until `expression` is true in the page, evaluating it every 50 ms. The page reloads
 * itself while we wait, and puppeteer's own `waitForFunction` can miss the new document (seen
 * under load: the page showed the edit, the wait timed out), so each try is one plain
 * `evaluate`, and a try that meets a document being replaced counts as false.
 */
async function until(expression: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const met = await page.evaluate(expression).catch(() => false);
    if (met === true) return;
    if (Date.now() > deadline) throw new Error(`Not true after ${timeoutMs} ms: ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The value of `expression` in the page, once the page is not being replaced: a reload landing
 * between a wait and a read destroys the context the read ran in, and the read is tried again.
 */
async function read(expression: string): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await page.evaluate(expression);
    } catch (error) {
      if (attempt >= 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/**
 * Save the manuscript as editors do: a new file renamed over the old one, so the watcher sees one
 * whole change, never a half-written file.
 */
async function save(text: string): Promise<void> {
  const temporary = join(project, "manuscript", ".case-report.md.saving");
  await writeFile(temporary, text);
  await rename(temporary, manuscript());
}

/** The status of a GET with the path sent as written. */
function status(url: string, path: string): Promise<number> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: "127.0.0.1", port, path }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}

beforeAll(async () => {
  if (!browserPath) return;
  project = await mkdtemp(join(tmpdir(), "casepress-live-preview-"));
  await cp(join(repositoryDirectory, "manuscript"), join(project, "manuscript"), {
    recursive: true,
  });
  await cp(join(repositoryDirectory, "figures"), join(project, "figures"), { recursive: true });
  await writeFile(join(project, "package.json"), '{ "name": "a-manuscript", "private": true }\n');
  original = await readFile(manuscript(), "utf8");
  preview = await startLivePreview(manuscript(), {
    outDir: "out",
    formats: ["html", "pdf"],
    cwd: project,
    port: 0,
  });
  browser = await puppeteer.launch({
    executablePath: browserPath,
    args: process.getuid?.() === 0 ? ["--no-sandbox"] : [],
  });
  page = await browser.newPage();
  await page.setViewport({ width: 900, height: 600 });
});

afterAll(async () => {
  await browser?.close();
  await preview?.close();
  if (project) await rm(project, { recursive: true, force: true });
});

describe.skipIf(!browserPath)("casepress preview in a browser", () => {
  it("shows the page, then reloads it by itself after an edit, keeping the scroll position", async () => {
    if (!preview) throw new Error("no preview");
    await page.goto(preview.url);
    await until(`document.querySelector("#casepress-panel[data-count='0']") !== null`);
    expect(
      await read(
        '[document.querySelector("#casepress-banner").hidden, document.querySelector("#casepress-banner").textContent]',
      ),
    ).toEqual([true, ""]);
    await page.evaluate("window.scrollTo(0, 400)");
    const edited = original.replace(
      "None of her digits showed ulcers",
      "A marmalade-coloured margin was seen. None of her digits showed ulcers",
    );
    expect(edited).not.toBe(original);
    await save(edited);
    // Browser-side expressions as strings: the tests compile without the DOM library.
    await until('document.body.textContent.includes("A marmalade-coloured margin was seen.")');
    await until("window.scrollY === 400");
  });

  it("lists an unknown citation key at its line, marks it in place, and clears when fixed", async () => {
    const lines = original.split("\n");
    const line = lines.findIndex((text) => text.includes("None of her digits")) + 1;
    lines[line - 1] = `${lines[line - 1]} [@nosuchkey]`;
    await save(lines.join("\n"));
    const item = "#casepress-problems li[data-rule='citation-key-unknown']";
    await until(`document.querySelector("${item}") !== null`);
    expect(await read(`document.querySelector("${item}").dataset.line`)).toBe(String(line));
    expect(await read(`document.querySelector("${item}").textContent`)).toContain("nosuchkey");
    expect(await read('document.querySelector("#casepress-count").textContent')).toBe("1");
    // A draft: the page was written, the key is marked in place, the banner says so.
    await until(
      'document.querySelector(".draft-citation-key-unknown")?.textContent === "[?nosuchkey]"',
    );
    expect(await read('document.querySelector("#casepress-banner").textContent')).toContain(
      "Draft with 1 error",
    );
    expect(await read('document.querySelector(".draft-watermark").textContent')).toBe(
      "DRAFT · 1 error",
    );

    await save(original);
    await until(`document.querySelector("#casepress-panel[data-count='0']") !== null`);
    await until('!document.querySelector(".draft-mark")');
    expect(await read('document.querySelector("#casepress-banner").hidden')).toBe(true);
  });

  it("links the PDF printed in the background, with its page count", async () => {
    await until('document.querySelector("#casepress-pdf a") !== null');
    const href = String(
      await read('document.querySelector("#casepress-pdf a").getAttribute("href")'),
    );
    expect(href).toMatch(/^\/case-report\.pdf\?v=\d+$/);
    expect(await read('document.querySelector("#casepress-pdf").textContent')).toMatch(
      /PDF \d+ pages?, printed /,
    );
    if (!preview) throw new Error("no preview");
    expect(await status(preview.url, href)).toBe(200);
  });

  it("serves nothing outside the output: /../package.json is 404", async () => {
    if (!preview) throw new Error("no preview");
    expect(await status(preview.url, "/../package.json")).toBe(404);
    expect(await status(preview.url, "/..%2fpackage.json")).toBe(404);
    expect(await status(preview.url, "/case-report.html")).toBe(200);
  });
});
