/**
 * Rebuilds in a warm process, for a live preview (`casepress preview`/`--watch`): the process
 * keeps the loaded journal, the compiled CSL style, the last formatted reference list, the
 * parsed trees of the manuscript's sections (only changed sections are parsed again, see
 * parse/section-cache.ts) and, for PDFs, one open browser, so a rebuild pays only for what
 * changed.
 *
 * A rebuild is `buildManuscript` with the process's record of copied assets, so an unchanged
 * stylesheet, font or figure is not copied again.
 */
import type { VFile } from "vfile";
import { useSectionCache } from "../parse/parse-manuscript.ts";
import { type SectionCacheWork, SectionParseCache } from "../parse/section-cache.ts";
import { type PdfPrinterResult, startBackgroundPrinter } from "../pdf/pdf-printer.ts";
import { type BuildOptions, buildManuscript, type CopiedAsset } from "./build.ts";

/** Options of a preview session: those of `build`, for one manuscript. */
export interface PreviewOptions extends BuildOptions {
  /** Parse through the section cache (default); `false` parses every rebuild whole. */
  sectionCache?: boolean;
}

/** What one rebuild did. */
export interface PreviewBuild {
  /** The manuscript with its diagnostics. */
  file: VFile;
  /** Paths written (none when the manuscript has errors); unchanged assets are not rewritten. */
  outputs: string[];
  /** How long the rebuild took, in ms. */
  durationMs: number;
}

/** A warm process rebuilding one manuscript. */
export interface PreviewSession {
  /**
   * Build the manuscript again (after it or a file it names changed). Rebuilds run one at a
   * time; calls made while one runs share a single follow-up rebuild, which sees every change.
   */
  rebuild(): Promise<PreviewBuild>;
  /** What the section parse cache did (undefined without one); tests count re-parsed sections. */
  readonly parseWork: SectionCacheWork | undefined;
  /** Why PDFs cannot be written (no browser found), when the formats include pdf. */
  readonly pdfUnavailable: string | undefined;
  /** Close the browser. Rebuilds after this fail. */
  close(): Promise<void>;
}

/**
 * Start a preview session for the manuscript at `path` and build it once. The browser (with the
 * pdf format) launches while the first build compiles.
 */
export async function startPreview(
  path: string,
  options: PreviewOptions,
): Promise<{ session: PreviewSession; first: PreviewBuild }> {
  let printerResult: PdfPrinterResult | undefined;
  const printer = options.formats.includes("pdf") ? startBackgroundPrinter() : undefined;
  const starting = printer?.started;
  const copied = new Map<string, CopiedAsset>();
  let closed = false;
  const sectionCache = options.sectionCache === false ? undefined : new SectionParseCache();
  useSectionCache(sectionCache);

  const buildOnce = async (): Promise<PreviewBuild> => {
    if (closed) throw new Error("The preview session is closed.");
    const started = performance.now();
    const { file, outputs } = await buildManuscript(
      path,
      { ...options, copiedAssets: copied },
      printer,
    );
    return { file, outputs, durationMs: performance.now() - started };
  };

  let running: Promise<PreviewBuild> | undefined;
  let queued: Promise<PreviewBuild> | undefined;
  const rebuild = (): Promise<PreviewBuild> => {
    if (queued) return queued;
    if (!running) {
      running = buildOnce().finally(() => {
        running = undefined;
      });
      return running;
    }
    const after = running.catch(() => undefined);
    queued = after.then(() => {
      queued = undefined;
      return rebuild();
    });
    return queued;
  };

  let first: PreviewBuild;
  try {
    first = await rebuild();
    if (starting) printerResult ??= await starting;
  } catch (error) {
    const created = await starting?.catch(() => undefined);
    if (created && "close" in created) await created.close();
    throw error;
  }

  const session: PreviewSession = {
    rebuild,
    parseWork: sectionCache?.work,
    get pdfUnavailable() {
      return printerResult && "help" in printerResult ? printerResult.help : undefined;
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([running, queued]);
      useSectionCache(undefined);
      if (printerResult && "close" in printerResult) await printerResult.close();
    },
  };
  return { session, first };
}
