/**
 * The bridge from `build` to the PDF renderer: finds a browser, launches one for the whole
 * run, prints each written HTML file and turns blocked requests into diagnostics.
 */
import type { VFile } from "vfile";
import type { PdfPrinter } from "../cli/build.ts";
import { report } from "../diagnostics/diagnostics.ts";
import { casepressVersion } from "../loaders/load-journal.ts";
import { findBrowser } from "./find-browser.ts";

/** A printer that must be closed, or why none could be made. */
export type PdfPrinterResult = (PdfPrinter & { close(): Promise<void> }) | { help: string };

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
    texts.set(
      reference.firstCitationId,
      `Back to the first citation of reference ${reference.number}`,
    );
  }
  return texts;
}

/** The build date for deterministic PDFs: `SOURCE_DATE_EPOCH` seconds, when set. */
export function sourceDateEpoch(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = env.SOURCE_DATE_EPOCH;
  return value && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** Find a browser and launch it once for the run. */
export async function createPdfPrinter(): Promise<PdfPrinterResult> {
  const browser = findBrowser();
  if (browser.path === null) return { help: browser.help };
  const { launchPdfRenderer } = await import("./render-pdf.ts");
  const renderer = await launchPdfRenderer({ executablePath: browser.path });
  const epoch = sourceDateEpoch();
  return {
    async print(htmlPath, outDir, file) {
      const result = await renderer.render({
        htmlPath,
        allowedDir: outDir,
        metadata: {
          ...metadataOf(file),
          ...(epoch !== undefined ? { sourceDateEpoch: epoch } : {}),
        },
      });
      for (const blocked of result.blockedRequests) {
        report(
          file,
          "pdf-request-blocked",
          `Blocked a request for \`${blocked.url}\` while printing (${blocked.reason}); only files in the output folder may load.`,
        );
      }
      return result.pdf;
    },
    close: () => renderer.close(),
  };
}
