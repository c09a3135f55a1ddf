/**
 * HTML → PDF with headless Chromium. The only module that imports puppeteer.
 *
 * One browser per process, reused for every document and closed explicitly.
 * Each page has JavaScript disabled and intercepts every request: only
 * `file:` URLs inside the job's `allowedDir` (compared by real path) and
 * `data:` URLs load; everything else is aborted and reported in
 * `blockedRequests` for the pipeline to turn into diagnostics. Allowed PNG
 * figures that a PDF can embed as they are reach the page as cheap
 * placeholders and go into the PDF as their own data (`image-passthrough.ts`).
 *
 * Page geometry lives in the journal's CSS. The one thing CSS cannot do in
 * Chromium is put a block at the bottom of a column, so before printing the
 * renderer measures each element marked `data-casepress-measure="name"` in
 * print layout and sets `--name-top` / `--name-height` (px, border box,
 * relative to the document) on `<html>`; the stylesheet decides what to do
 * with them.
 */

import { rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import puppeteer, { type Browser, type HTTPRequest, type Page, TimeoutError } from "puppeteer";
import { realPathLoose, realPathPlacement } from "../loaders/path-guard.ts";
import { findBrowser, headlessModeFor } from "./find-browser.ts";
import { createImagePassthrough, type PassthroughJob } from "./image-passthrough.ts";
import { BrowserLaunchError, BrowserNotFoundError, PdfTimeoutError } from "./pdf-errors.ts";
import { applyPdfMetadata, type PdfMetadata } from "./pdf-metadata.ts";
import { requestVerdict } from "./request-policy.ts";
import { LocalTimeout, stopwatch, withTimeout } from "./timing.ts";

export { BrowserLaunchError, BrowserNotFoundError, PdfTimeoutError } from "./pdf-errors.ts";
export type { PdfMetadata } from "./pdf-metadata.ts";
export { requestVerdict } from "./request-policy.ts";

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
  /** Image objects that hold a PNG figure's own data, not Chromium's re-encoding of it. */
  imagesPassedThrough: number;
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
  /** Metadata and determinism fixes (the incremental update). */
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
  /** Embed eligible PNG figures' own data instead of Chromium's re-encoding (default true). */
  passThroughImages?: boolean;
}

/**
 * The flags every launch uses: quiet, no GPU, and no network at all. The browser resolves no
 * host name (every name maps to "not found"), and anything that tries to connect anyway is sent
 * to a proxy on the loopback discard port, where nothing listens (`<-loopback>` sends loopback
 * there too). Background services that would phone home (component updater, sync, domain
 * reliability, crash reports, safe browsing, field trials) are off. The page itself loads only
 * `file:` and `data:` URLs (see {@link requestVerdict}); these flags cover the browser's own
 * traffic, which request interception does not see. A test proves it with strace.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  "--disable-gpu",
  "--font-render-hinting=none", // Without it the headless shell breaks lines unlike full Chromium.
  "--disable-dev-shm-usage",
  "--host-resolver-rules=MAP * ~NOTFOUND",
  "--proxy-server=http://127.0.0.1:9",
  "--proxy-bypass-list=<-loopback>",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-domain-reliability",
  "--disable-breakpad",
  "--disable-client-side-phishing-detection",
  "--disable-default-apps",
  "--disable-extensions",
  "--disable-field-trial-config",
  "--no-first-run",
  "--no-default-browser-check",
  "--no-pings",
  "--metrics-recording-only",
  "--safebrowsing-disable-auto-update",
];

const DEFAULT_TIMEOUT_MS = 60_000;

/** Mutable state of the job a pooled page is working on. */
interface PageSlot {
  page: Page;
  /** Set while a job runs; the request handler reads it. */
  job: JobState | null;
}

/** What the request handler needs of the job a page is printing. */
interface JobState {
  allowedDir: string;
  blocked: BlockedRequest[];
  seen: Set<string>;
  /** Placeholders for PNG figures, or null to load every file as it is. */
  images: PassthroughJob | null;
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

/** Profile folders of browsers this process started and has not closed yet, with their browser. */
const liveProfiles = new Map<string, Browser | undefined>();

/**
 * Remove what is left of `liveProfiles` when the process ends without closing its browsers.
 * The browser's process group is killed first, then the folder is removed twice around a short
 * wait, since a dying browser's helpers may still write into it.
 */
function removeLiveProfiles(): void {
  if (liveProfiles.size === 0) return;
  for (const browser of liveProfiles.values()) {
    const pid = browser?.process()?.pid;
    if (pid === undefined) continue;
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  }
  for (let pass = 0; pass < 2; pass++) {
    for (const directory of liveProfiles.keys()) {
      try {
        rmSync(directory, { recursive: true, force: true });
      } catch {
        // Exiting anyway; nothing else to do.
      }
    }
    if (pass === 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 150);
  }
  liveProfiles.clear();
}
process.on("exit", removeLiveProfiles);

/** A launched browser and its temporary profile folder. */
interface LaunchedBrowser {
  browser: Browser;
  userDataDir: string;
  version: string;
}

/** The executable to start: the option, else {@link findBrowser}'s answer. */
function resolveExecutable(options: LaunchPdfRendererOptions): string {
  if (options.executablePath !== undefined) return options.executablePath;
  const found = findBrowser();
  if (found.path === null) throw new BrowserNotFoundError(found.help);
  return found.path;
}

/**
 * Start the browser with a fresh profile folder. The folder is removed when the launch fails,
 * and otherwise by {@link closeBrowser} (or at process exit, if nobody closes it).
 */
async function startBrowser(
  executablePath: string,
  options: LaunchPdfRendererOptions,
): Promise<LaunchedBrowser> {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const sandbox = options.sandbox ?? !isRoot;
  const userDataDir = await mkdtemp(join(tmpdir(), "casepress-chromium-"));
  liveProfiles.set(userDataDir, undefined);
  let browser: Browser | undefined;
  try {
    browser = await puppeteer.launch({
      executablePath,
      headless: headlessModeFor(executablePath),
      pipe: true,
      userDataDir,
      timeout: options.launchTimeoutMs ?? 30_000,
      args: [...(sandbox ? [] : ["--no-sandbox"]), ...CHROMIUM_ARGS],
    });
    liveProfiles.set(userDataDir, browser);
    return { browser, userDataDir, version: await browser.version() };
  } catch (error) {
    await closeBrowser({ browser, userDataDir });
    throw new BrowserLaunchError(executablePath, { cause: error });
  }
}

/** Close the browser (if it started) and delete its profile folder, whatever happens. */
async function closeBrowser(launched: {
  browser: Browser | undefined;
  userDataDir: string;
}): Promise<void> {
  try {
    await launched.browser?.close();
  } catch {
    // A crashed browser cannot be closed; its process is gone or killed by puppeteer.
  } finally {
    await rm(launched.userDataDir, { recursive: true, force: true });
    liveProfiles.delete(launched.userDataDir);
  }
}

/** Open a page for printing: no JavaScript, print media, every request decided by the job. */
async function openPage(browser: Browser): Promise<PageSlot> {
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
      const images = request.resourceType() === "image" ? job?.images : null;
      if (images == null || job === null || !url.startsWith("file:")) {
        void request.continue().catch(() => undefined);
        return;
      }
      void images
        .placeholderFor(fileURLToPath(url), job.allowedDir)
        .catch(() => null)
        .then((body) =>
          body === null
            ? request.continue()
            : request.respond({ status: 200, contentType: "image/png", body: Buffer.from(body) }),
        )
        .catch(() => undefined);
      return;
    }
    if (job !== null && !job.seen.has(url)) {
      job.seen.add(url);
      job.blocked.push({ url, reason });
    }
    void request.abort("blockedbyclient").catch(() => undefined);
  });
  return slot;
}

/** Up to `concurrency` pages, handed to one job at a time. */
interface PagePool {
  /** A free page; waits when all are busy. */
  acquire(): Promise<PageSlot>;
  /** Give back a page that finished its job cleanly. */
  release(slot: PageSlot): void;
  /** Drop a page that may be mid-navigation and hand its place to a fresh one. */
  replace(slot: PageSlot): Promise<void>;
  /** Stop opening pages. */
  shutDown(): void;
}

/** A pool of pages in `browser`. */
function createPagePool(browser: Browser, concurrency: number): PagePool {
  const idle: PageSlot[] = [];
  const waiting: ((slot: PageSlot) => void)[] = [];
  let created = 0;
  let closed = false;
  return {
    async acquire() {
      const free = idle.pop();
      if (free !== undefined) return free;
      if (created < concurrency) {
        created++;
        try {
          return await openPage(browser);
        } catch (error) {
          created--;
          throw error;
        }
      }
      return new Promise((resolveSlot) => waiting.push(resolveSlot));
    },
    release(slot) {
      slot.job = null;
      const next = waiting.shift();
      if (next !== undefined) next(slot);
      else idle.push(slot);
    },
    async replace(slot) {
      await slot.page.close().catch(() => undefined);
      created--;
      const next = waiting.shift();
      if (next === undefined || closed) return;
      created++;
      try {
        next(await openPage(browser));
      } catch {
        created--;
      }
    },
    shutDown() {
      closed = true;
    },
  };
}

/**
 * Load, measure and print one document in `slot`'s page, then apply the metadata. PNG figures
 * go through `images`' placeholders; if one does not come out intact, the page prints again
 * with the figures themselves.
 */
async function printInPage(
  slot: PageSlot,
  job: PdfJob,
  paths: { htmlPath: string; allowedDir: string; images: PassthroughJob | null },
  browserVersion: string,
  timings: PdfTimings,
): Promise<PdfResult> {
  const timeoutMs = job.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const left = (): number => Math.max(1, deadline - Date.now());
  const lap = stopwatch();
  const state: JobState = {
    allowedDir: paths.allowedDir,
    blocked: [],
    seen: new Set<string>(),
    images: paths.images,
  };
  slot.job = state;
  const { page } = slot;
  let phase = "loading the page";
  try {
    page.setDefaultTimeout(timeoutMs);
    for (;;) {
      phase = "loading the page";
      await page.goto(pathToFileURL(paths.htmlPath).href, { waitUntil: "load", timeout: left() });
      phase = "waiting for fonts";
      await withTimeout(page.evaluate("document.fonts.ready.then(() => true)"), left());
      timings.loadMs += lap();
      phase = "measuring the layout";
      await withTimeout(page.evaluate(MEASURE_SCRIPT), left());
      timings.measureMs += lap();
      phase = "printing";
      const raw = await page.pdf({
        preferCSSPageSize: true,
        printBackground: true,
        tagged: true,
        outline: true,
        timeout: left(),
      });
      timings.printMs += lap();
      const printed =
        state.images === null ? { pdf: raw, passedThrough: 0 } : state.images.finish(raw);
      if (printed === null) {
        state.images = null;
        continue;
      }
      const pdf = await applyPdfMetadata(printed.pdf, {
        ...job.metadata,
        producer: job.metadata.producer ?? `${job.metadata.creator} (${browserVersion})`,
      });
      timings.postprocessMs = lap();
      return {
        pdf,
        blockedRequests: state.blocked,
        timings,
        imagesPassedThrough: printed.passedThrough,
      };
    }
  } catch (error) {
    if (error instanceof TimeoutError || error instanceof LocalTimeout) {
      throw new PdfTimeoutError(job.htmlPath, timeoutMs, phase, { cause: error });
    }
    throw error;
  }
}

/**
 * Start a browser and return a renderer that reuses it.
 *
 * Measured on the 2-core build machine (shared, so noisy) with the 4-page
 * sample: launch 0.3–0.9 s; the first document about 1.2 s (cold caches);
 * then one at a time 370–500 ms per document (load and fonts ~160 ms,
 * page.pdf 130–210 ms, metadata a few ms), two at a time 320–350 ms per
 * document. Hence the default concurrency of 2.
 */
export async function launchPdfRenderer(
  options: LaunchPdfRendererOptions = {},
): Promise<PdfRenderer> {
  const launched = await startBrowser(resolveExecutable(options), options);
  const pool = createPagePool(launched.browser, Math.max(1, Math.floor(options.concurrency ?? 2)));
  const images = options.passThroughImages === false ? null : createImagePassthrough();
  let closed = false;

  const render = async (job: PdfJob): Promise<PdfResult> => {
    if (closed) throw new Error("The PDF renderer is closed.");
    const allowedDir = realPathLoose(job.allowedDir);
    const htmlPath = realPathLoose(job.htmlPath);
    if (realPathPlacement(htmlPath, allowedDir) === "outside") {
      throw new Error(
        `The HTML file ${job.htmlPath} is not inside the allowed folder ${job.allowedDir}.`,
      );
    }
    const queued = performance.now();
    const slot = await pool.acquire();
    const timings: PdfTimings = {
      queueMs: performance.now() - queued,
      loadMs: 0,
      measureMs: 0,
      printMs: 0,
      postprocessMs: 0,
    };
    try {
      const result = await printInPage(
        slot,
        job,
        { htmlPath, allowedDir, images: images?.job() ?? null },
        launched.version,
        timings,
      );
      pool.release(slot);
      return result;
    } catch (error) {
      await pool.replace(slot);
      throw error;
    }
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    pool.shutDown();
    await closeBrowser(launched);
  };

  return { render, close, profileDirectory: launched.userDataDir };
}
