/**
 * HTML → PDF with headless Chromium. The only module that imports puppeteer.
 *
 * One browser per process, reused for every document and closed explicitly.
 * Each page has JavaScript disabled and intercepts every request: only
 * `file:` URLs inside the job's `allowedDir` (compared by real path) and
 * `data:` URLs load; everything else is aborted and reported in
 * `blockedRequests` for the pipeline to turn into diagnostics.
 *
 * Page geometry lives in the journal's CSS. The one thing CSS cannot do in
 * Chromium is put a block at the bottom of a column, so before printing the
 * renderer measures each element marked `data-casepress-measure="name"` in
 * print layout and sets `--name-top` / `--name-height` (px, border box,
 * relative to the document) on `<html>`; the stylesheet decides what to do
 * with them.
 */

import { realpathSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import puppeteer, { type Browser, type HTTPRequest, type Page, TimeoutError } from "puppeteer";
import { findBrowser } from "./find-browser.ts";
import { applyPdfMetadata, type PdfMetadata } from "./pdf-metadata.ts";

export type { PdfMetadata } from "./pdf-metadata.ts";

/** One document to print. */
export interface PdfJob {
  /** The HTML file to print. Must lie inside `allowedDir`. */
  htmlPath: string;
  /** The only directory the page may load files from (the output folder with its assets). */
  allowedDir: string;
  /** Information-dictionary metadata and the optional `SOURCE_DATE_EPOCH`. */
  metadata: PdfMetadata;
  /** Limit for loading and printing this document, in ms (default 60 000). */
  timeoutMs?: number;
}

/** A request the page made that was not allowed to load. */
export interface BlockedRequest {
  /** The URL as the page asked for it (data: URLs are never blocked). */
  url: string;
  /** Why: "outside the output folder", "network access is disabled", "file not found", … */
  reason: string;
}

/** The printed document. */
export interface PdfResult {
  /** The PDF bytes, metadata applied. */
  pdf: Uint8Array;
  /** Requests that were refused, in the order the page made them, each URL once. */
  blockedRequests: BlockedRequest[];
  /** Where the time went, in ms. */
  timings: PdfTimings;
}

/** Durations of one render's phases, in ms. */
export interface PdfTimings {
  /** Waiting for a free page, or opening one (the first jobs of a renderer). */
  queueMs: number;
  /** `page.goto` until the load event, plus waiting for web fonts. */
  loadMs: number;
  /** Measuring the `data-casepress-measure` boxes. */
  measureMs: number;
  /** `page.pdf`. */
  printMs: number;
  /** pdf-lib metadata and determinism fixes. */
  postprocessMs: number;
}

/** A running browser that prints documents. Call `close()` when done (also after errors). */
export interface PdfRenderer {
  /** Print one document. Several calls may run at once; they share the page pool. */
  render(job: PdfJob): Promise<PdfResult>;
  /** The browser's temporary profile folder, deleted by `close()`. */
  readonly profileDirectory: string;
  /** Close the browser and delete its profile folder. Safe to call more than once. */
  close(): Promise<void>;
}

/** Options for {@link launchPdfRenderer}. */
export interface LaunchPdfRendererOptions {
  /** Browser executable; default: {@link findBrowser}. */
  executablePath?: string;
  /** How many documents print at once (pages kept open). Default 2; see the report in the JSDoc below. */
  concurrency?: number;
  /** Chromium's sandbox; default off when running as root (Chromium refuses to start otherwise), on otherwise. */
  sandbox?: boolean;
  /** Limit for starting the browser, in ms (default 30 000). */
  launchTimeoutMs?: number;
}

/** Loading or printing took longer than the job's `timeoutMs`. */
export class PdfTimeoutError extends Error {
  override name = "PdfTimeoutError";
  /** The HTML file being printed. */
  readonly htmlPath: string;
  /** The limit that was exceeded, in ms. */
  readonly timeoutMs: number;
  /** What was running: "loading the page", "waiting for fonts", "printing". */
  readonly phase: string;

  constructor(htmlPath: string, timeoutMs: number, phase: string, options?: { cause?: unknown }) {
    super(
      `PDF rendering of ${htmlPath} timed out after ${timeoutMs} ms while ${phase}. ` +
        "Very large images or a busy machine make this slower: shrink the figures, or raise the limit (PdfJob.timeoutMs).",
      options,
    );
    this.htmlPath = htmlPath;
    this.timeoutMs = timeoutMs;
    this.phase = phase;
  }
}

/** No browser executable could be found; the message says how to install one. */
export class BrowserNotFoundError extends Error {
  override name = "BrowserNotFoundError";
}

/** The flags every launch uses (see the project brief: quiet, no GPU, no background traffic). */
const BASE_ARGS: readonly string[] = [
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

const DEFAULT_TIMEOUT_MS = 60_000;

/** Mutable state of the job a pooled page is working on. */
interface PageSlot {
  page: Page;
  /** Set while a job runs; the request handler reads it. */
  job: { allowedDir: string; blocked: BlockedRequest[]; seen: Set<string> } | null;
}

/** `path` resolved through symlinks; for a missing file, its nearest existing ancestor is resolved. */
function realPathLoose(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    const parent = dirname(absolute);
    if (parent === absolute) return absolute;
    return join(realPathLoose(parent), absolute.slice(parent.length + 1));
  }
}

/** Whether `path` is `dir` or inside it (both already real paths). */
function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/** Whether a real path exists. */
function exists(path: string): boolean {
  try {
    realpathSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Decide one request: `null` to let it load, or the reason to refuse it.
 * `file:` URLs must resolve (through symlinks and `..`) inside `allowedDir`.
 */
export function requestVerdict(url: string, allowedDir: string): string | null {
  if (url.startsWith("data:")) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "not a valid URL";
  }
  if (parsed.protocol === "file:") {
    let path: string;
    try {
      path = fileURLToPath(parsed);
    } catch {
      return "not a local file path";
    }
    const real = realPathLoose(path);
    if (!isInside(realPathLoose(allowedDir), real))
      return `outside the output folder ${allowedDir}`;
    if (!exists(real)) return "file not found";
    return null;
  }
  if (parsed.protocol === "http:" || parsed.protocol === "https:") {
    return "network access is disabled; copy the file next to the manuscript";
  }
  return `the ${parsed.protocol.replace(/:$/, "")} scheme is not allowed`;
}

/** Script run in the page (JavaScript is disabled for the page's own scripts, not for this). */
const MEASURE_SCRIPT = `(() => {
  const root = document.documentElement;
  for (const el of document.querySelectorAll("[data-casepress-measure]")) {
    const name = el.getAttribute("data-casepress-measure");
    if (!/^[a-z][a-z0-9-]*$/.test(name)) continue;
    const box = el.getBoundingClientRect();
    root.style.setProperty("--" + name + "-top", (box.top + window.scrollY) + "px");
    root.style.setProperty("--" + name + "-height", box.height + "px");
  }
  return true;
})()`;

/**
 * Start a browser and return a renderer that reuses it.
 *
 * Measured on the 2-core build machine (shared, so noisy) with the 4-page
 * sample: launch 0.3–0.9 s; the first document about 1.2 s (cold caches);
 * then one at a time 370–500 ms per document (load and fonts ~160 ms,
 * page.pdf 130–210 ms, pdf-lib ~90 ms), two at a time 320–350 ms per
 * document. Hence the default concurrency of 2.
 */
export async function launchPdfRenderer(
  options: LaunchPdfRendererOptions = {},
): Promise<PdfRenderer> {
  let executablePath = options.executablePath;
  if (executablePath === undefined) {
    const found = findBrowser();
    if (found.path === null) throw new BrowserNotFoundError(found.help);
    executablePath = found.path;
  }
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 2));
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const sandbox = options.sandbox ?? !isRoot;

  const userDataDir = await mkdtemp(join(tmpdir(), "casepress-chromium-"));
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      pipe: true,
      userDataDir,
      timeout: options.launchTimeoutMs ?? 30_000,
      args: [...(sandbox ? [] : ["--no-sandbox"]), ...BASE_ARGS],
    });
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw new Error(
      `Could not start the browser at ${executablePath}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }

  const browserVersion = await browser.version();
  const idle: PageSlot[] = [];
  const waiting: ((slot: PageSlot) => void)[] = [];
  let created = 0;
  let closed = false;

  const newSlot = async (): Promise<PageSlot> => {
    const page = await browser.newPage();
    const slot: PageSlot = { page, job: null };
    await page.setJavaScriptEnabled(false);
    await page.emulateMediaType("print");
    await page.setRequestInterception(true);
    page.on("request", (request: HTTPRequest) => {
      const job = slot.job;
      const url = request.url();
      const reason =
        job === null ? "no document is being printed" : requestVerdict(url, job.allowedDir);
      if (reason === null) {
        void request.continue().catch(() => undefined);
        return;
      }
      if (job !== null && !job.seen.has(url)) {
        job.seen.add(url);
        job.blocked.push({ url, reason });
      }
      void request.abort("blockedbyclient").catch(() => undefined);
    });
    return slot;
  };

  const acquire = async (): Promise<PageSlot> => {
    const free = idle.pop();
    if (free !== undefined) return free;
    if (created < concurrency) {
      created++;
      try {
        return await newSlot();
      } catch (error) {
        created--;
        throw error;
      }
    }
    return new Promise((resolveSlot) => waiting.push(resolveSlot));
  };

  const release = (slot: PageSlot): void => {
    slot.job = null;
    const next = waiting.shift();
    if (next !== undefined) next(slot);
    else idle.push(slot);
  };

  /** Drop a page that may be mid-navigation and hand its place to a fresh one. */
  const replace = async (slot: PageSlot): Promise<void> => {
    await slot.page.close().catch(() => undefined);
    created--;
    const next = waiting.shift();
    if (next === undefined || closed) return;
    created++;
    try {
      next(await newSlot());
    } catch {
      created--;
    }
  };

  const render = async (job: PdfJob): Promise<PdfResult> => {
    if (closed) throw new Error("The PDF renderer is closed.");
    const timeoutMs = job.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const allowedDir = realPathLoose(job.allowedDir);
    const htmlPath = realPathLoose(job.htmlPath);
    if (!isInside(allowedDir, htmlPath)) {
      throw new Error(
        `The HTML file ${job.htmlPath} is not inside the allowed folder ${job.allowedDir}.`,
      );
    }
    const deadline = Date.now() + timeoutMs;
    const left = (): number => Math.max(1, deadline - Date.now());

    const queued = performance.now();
    const slot = await acquire();
    const timings: PdfTimings = {
      queueMs: performance.now() - queued,
      loadMs: 0,
      measureMs: 0,
      printMs: 0,
      postprocessMs: 0,
    };
    let mark = performance.now();
    const lap = (): number => {
      const now = performance.now();
      const elapsed = now - mark;
      mark = now;
      return elapsed;
    };
    const state = { allowedDir, blocked: [] as BlockedRequest[], seen: new Set<string>() };
    slot.job = state;
    const { page } = slot;
    let phase = "loading the page";
    let healthy = true;
    try {
      page.setDefaultTimeout(timeoutMs);
      await page.goto(pathToFileURL(htmlPath).href, { waitUntil: "load", timeout: left() });
      phase = "waiting for fonts";
      await withTimeout(page.evaluate("document.fonts.ready.then(() => true)"), left());
      timings.loadMs = lap();
      phase = "measuring the layout";
      await withTimeout(page.evaluate(MEASURE_SCRIPT), left());
      timings.measureMs = lap();
      phase = "printing";
      const raw = await page.pdf({
        preferCSSPageSize: true,
        printBackground: true,
        tagged: true,
        outline: true,
        timeout: left(),
      });
      timings.printMs = lap();
      const pdf = await applyPdfMetadata(raw, {
        ...job.metadata,
        producer: job.metadata.producer ?? `${job.metadata.creator} (${browserVersion}; pdf-lib)`,
      });
      timings.postprocessMs = lap();
      return { pdf, blockedRequests: state.blocked, timings };
    } catch (error) {
      healthy = false;
      if (error instanceof TimeoutError || error instanceof LocalTimeout) {
        throw new PdfTimeoutError(job.htmlPath, timeoutMs, phase, { cause: error });
      }
      throw error;
    } finally {
      if (healthy) release(slot);
      else await replace(slot);
    }
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    try {
      await browser.close();
    } finally {
      await rm(userDataDir, { recursive: true, force: true });
    }
  };

  return { render, close, profileDirectory: userDataDir };
}

/**
 * Run `fn` with a renderer and close it afterwards, whether `fn` succeeds or throws.
 */
export async function withPdfRenderer<T>(
  fn: (renderer: PdfRenderer) => Promise<T>,
  options?: LaunchPdfRendererOptions,
): Promise<T> {
  const renderer = await launchPdfRenderer(options);
  try {
    return await fn(renderer);
  } finally {
    await renderer.close();
  }
}

/** Timeout of a step that has no timeout option of its own. */
class LocalTimeout extends Error {}

/** Reject with {@link LocalTimeout} if `promise` has not settled after `ms`. */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new LocalTimeout(`no answer after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
