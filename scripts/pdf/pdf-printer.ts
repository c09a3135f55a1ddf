/**
 * The bridge from `build` to the PDF renderer: finds a browser, launches one for the whole
 * run, prints each written HTML file and turns every failure on the way into a diagnostic on
 * the manuscript being printed: a blocked request (`pdf-request-blocked`, at the place the
 * manuscript names the URL), no usable browser (`pdf-browser-unavailable`), a time-out
 * (`pdf-timeout`), a browser failure (`pdf-render-failed`) and an unusable `SOURCE_DATE_EPOCH`
 * (`source-date-epoch-invalid`). Other manuscripts of the run carry on.
 *
 * This module stays light: puppeteer and pdf-lib load only with `render-pdf.ts`, imported when
 * the browser starts.
 */
import { dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { VFile } from "vfile";
import { location } from "vfile-location";
import { type Place, report } from "../diagnostics/diagnostics.ts";
import { casepressVersion } from "../loaders/load-journal.ts";
import { sourceDateFor } from "../render/source-date.ts";
import { BROWSER_HELP, type BrowserLookup, findBrowser } from "./find-browser.ts";
import type { BlockedRequest, LaunchPdfRendererOptions, PdfRenderer } from "./render-pdf.ts";

/** Prints the PDF of a written HTML file; undefined when it could not (see the diagnostics). */
export interface PdfPrinter {
  print(htmlPath: string, outDir: string, file: VFile): Promise<Uint8Array | undefined>;
}

/** A printer that must be closed, or why none could be made. */
export type PdfPrinterResult = (PdfPrinter & { close(): Promise<void> }) | { help: string };

/** A PDF printer whose browser starts now, in the background; the first `print` waits for it. */
export interface BackgroundPrinter extends PdfPrinter {
  /** The launched printer, or why none could be made. */
  readonly started: Promise<PdfPrinterResult>;
}

/** Replaceable parts, for tests. */
export interface PdfPrinterOptions {
  /** Find the browser (default {@link findBrowser}). */
  find?: () => BrowserLookup;
  /** Start the renderer (default `launchPdfRenderer` from `render-pdf.ts`). */
  launch?: (options: LaunchPdfRendererOptions) => Promise<PdfRenderer>;
  /** The environment, for `SOURCE_DATE_EPOCH` (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

/** The PDF's document information, from the front matter. */
function metadataOf(file: VFile) {
  const frontMatter = file.data.frontMatter ?? { title: "", authors: [] };
  const journal = file.data.journal?.name;
  return {
    title: frontMatter.title,
    authors: frontMatter.authors.map((author) => author.name),
    subject: [frontMatter["article-type"], journal].filter(Boolean).join(", "),
    keywords: frontMatter.keywords ?? [],
    creator: `Casepress ${casepressVersion}`,
    language: frontMatter.lang ?? file.data.journal?.lang ?? "en",
    ...(frontMatter.publication?.doi ? { identifier: `doi:${frontMatter.publication.doi}` } : {}),
    ...(frontMatter.publication?.copyright || frontMatter.publication?.license
      ? {
          rights: [frontMatter.publication.copyright, frontMatter.publication.license]
            .filter(Boolean)
            .join(" "),
        }
      : {}),
    linkTexts: linkTextsOf(file),
  };
}

/** What each in-document link leads to, by the element id Chromium names its destination after. */
function linkTextsOf(file: VFile): Map<string, string> {
  const texts = new Map<string, string>();
  for (const [id, float] of file.data.floats ?? []) texts.set(id, float.label);
  for (const reference of file.data.references ?? []) {
    texts.set(`ref-${reference.key}`, `Reference ${reference.number}`);
    texts.set(reference.firstCitationId, "Back to the citation");
  }
  return texts;
}

/**
 * Where the manuscript names a blocked URL: the first place its text holds the URL as the page
 * asked for it, or, for a `file:` URL, the path relative to the manuscript's folder or to the
 * HTML file's folder. Undefined when the request did not come from the manuscript (a journal
 * stylesheet, say).
 */
export function blockedRequestPlace(file: VFile, url: string, htmlDirectory: string): Place {
  const text = String(file.value);
  const candidates = [url];
  try {
    candidates.push(decodeURI(url));
  } catch {
    // Not percent-decodable: only the raw form is searched.
  }
  if (url.startsWith("file:")) {
    try {
      const path = fileURLToPath(url);
      const directory = file.data.manuscript?.directory;
      if (directory !== undefined) candidates.push(relative(directory, path));
      candidates.push(relative(htmlDirectory, path));
    } catch {
      // Not a local path; nothing more to try.
    }
  }
  for (const candidate of candidates) {
    if (candidate === "") continue;
    const offset = text.indexOf(candidate);
    if (offset >= 0) return location(file).toPoint(offset);
  }
  return undefined;
}

/** Report blocked requests, each at the place the manuscript names it. */
function reportBlocked(file: VFile, blocked: readonly BlockedRequest[], htmlPath: string): void {
  const htmlDirectory = dirname(htmlPath);
  for (const request of blocked) {
    report(
      file,
      "pdf-request-blocked",
      `Blocked a request for \`${request.url}\` while printing (${request.reason}); only files in the output folder may load.`,
      blockedRequestPlace(file, request.url, htmlDirectory),
    );
  }
}

/** Turn a failed render into a diagnostic on `file`. */
function reportRenderFailure(file: VFile, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  // Matched by name: importing the class would load puppeteer with this module.
  if (error instanceof Error && error.name === "PdfTimeoutError") {
    report(file, "pdf-timeout", message);
    return;
  }
  report(
    file,
    "pdf-render-failed",
    `The browser failed while printing the PDF: ${message.split("\n")[0]}`,
    undefined,
    {
      note: "Run the build again; if it keeps failing, check that the machine has free memory and that the browser starts (node scripts/pdf/setup-browser.mjs --check).",
    },
  );
}

/** Find a browser and launch it once for the run; a failure comes back as `{ help }`. */
export async function createPdfPrinter(options: PdfPrinterOptions = {}): Promise<PdfPrinterResult> {
  const browser = (options.find ?? findBrowser)();
  if (browser.path === null) return { help: browser.help };
  let renderer: PdfRenderer;
  try {
    const launch = options.launch ?? (await import("./render-pdf.ts")).launchPdfRenderer;
    renderer = await launch({ executablePath: browser.path });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { help: `${reason.split("\n")[0]}\n${BROWSER_HELP}` };
  }
  const env = options.env ?? process.env;
  return {
    async print(htmlPath, outDir, file) {
      const epoch = sourceDateFor(file, env);
      if (epoch.kind === "invalid") return undefined;
      try {
        const result = await renderer.render({
          htmlPath,
          allowedDir: outDir,
          metadata: {
            ...metadataOf(file),
            ...(epoch.kind === "valid" ? { sourceDateEpoch: epoch.seconds } : {}),
          },
        });
        reportBlocked(file, result.blockedRequests, htmlPath);
        return result.pdf;
      } catch (error) {
        reportRenderFailure(file, error);
        return undefined;
      }
    },
    close: () => renderer.close(),
  };
}

/**
 * Start loading the PDF side (puppeteer, pdf-lib) and launching the browser, so it boots on the
 * other core while manuscripts compile. The caller closes `started`'s printer when done. When no
 * browser can be used, each manuscript that reaches printing gets `pdf-browser-unavailable`.
 */
export function startBackgroundPrinter(options: PdfPrinterOptions = {}): BackgroundPrinter {
  const started = createPdfPrinter(options);
  started.catch(() => undefined); // Awaited by the caller; this only marks a failure as handled.
  return {
    started,
    async print(htmlPath, outDir, file) {
      const created = await started;
      if ("help" in created) {
        report(
          file,
          "pdf-browser-unavailable",
          `Cannot write the PDF: ${created.help.split("\n")[0]}`,
          undefined,
          { note: created.help.split("\n").slice(1).join("\n") },
        );
        return undefined;
      }
      return created.print(htmlPath, outDir, file);
    },
  };
}
