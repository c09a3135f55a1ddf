/**
 * Rebuilds in a warm process, for a live preview (`casepress preview`/`--watch`): the process
 * keeps the loaded journal, the compiled CSL style, the last formatted reference list and, for
 * PDFs, one open browser, so a rebuild pays only for the manuscript itself.
 *
 * A rebuild does what `buildManuscript` (build.ts) does, step for step, except that it copies an
 * asset (stylesheet, font, figure) only when the source changed or the copy is gone; a test
 * keeps the two outputs identical.
 */
import { readFile, stat } from "node:fs/promises";
import { basename, extname, join, resolve } from "node:path";
import type { VFile } from "vfile";
import {
  assetsDirectoryName,
  type BuildOptions,
  type BuildResult,
  type PdfPrinter,
} from "./build.ts";
import { hasErrors, report } from "./diagnostics.ts";
import { casepressDirectory, casepressVersion } from "./load-journal.ts";
import { readManuscript } from "./load-manuscript.ts";
import type { PdfPrinterResult } from "./pdf-printer.ts";
import { compileManuscript } from "./pipeline.ts";
import { preprintBanner } from "./preprint-banner.ts";
import { rewriteAssetUrls } from "./remark-asset-urls.ts";
import { renderPage } from "./render-page.ts";
import { type OutputFile, writeFilesAtomic } from "./write-atomic.ts";

/** Options of a preview session: those of `build`, for one manuscript. */
export type PreviewOptions = BuildOptions;

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
  /** Why PDFs cannot be written (no browser found), when the formats include pdf. */
  readonly pdfUnavailable: string | undefined;
  /** Close the browser. Rebuilds after this fail. */
  close(): Promise<void>;
}

/** An asset copied by an earlier rebuild: where from, and the source's size and time then. */
interface CopiedAsset {
  from: string;
  size: number;
  mtimeMs: number;
}

/**
 * Build once, as `buildManuscript` does, copying only the assets that `copied` does not show
 * as up to date (it is updated).
 */
async function buildWarm(
  path: string,
  options: PreviewOptions,
  printer: PdfPrinter | undefined,
  copied: Map<string, CopiedAsset>,
): Promise<BuildResult> {
  const cwd = options.cwd ?? process.cwd();
  const file = await readManuscript(path, { cwd, ...(options.root ? { root: options.root } : {}) });
  const compiled = await compileManuscript(
    file,
    options.journal ? { journal: options.journal } : {},
  );
  const profile = compiled.profile;
  if (hasErrors(file) || !profile || !file.data.resources) return { file, outputs: [] };

  const absolutePath = file.data.manuscript?.absolutePath ?? resolve(cwd, path);
  const name = basename(absolutePath, extname(absolutePath));
  const outDir = resolve(cwd, options.outDir);
  const assets = assetsDirectoryName(name);
  const copies = rewriteAssetUrls(compiled.tree, file.data.resources, assets);
  const html = await renderPage(compiled.tree, file, profile, {
    assetsDirectory: assets,
    generator: `Casepress ${casepressVersion}`,
    ...(profile.templateHtml.includes("{{banner}}")
      ? { banner: preprintBanner(absolutePath, options.versionLabel) }
      : {}),
  });

  const sources = [
    ...profile.stylesheets.map((stylesheet) => ({
      from: join(profile.directory, stylesheet),
      to: stylesheet,
    })),
    ...profile.fonts.map((font) => ({
      from: join(casepressDirectory, "node_modules", font),
      to: `fonts/${basename(font)}`,
    })),
    ...copies,
  ];
  // Look at every source and copy at once; read only what changed.
  const checked = await Promise.all(
    sources.map(async (source) => {
      const target = join(outDir, assets, source.to);
      const [from, to] = await Promise.all([
        stat(source.from).catch(() => undefined),
        stat(target).catch(() => undefined),
      ]);
      const last = copied.get(target);
      const fresh =
        from !== undefined &&
        to !== undefined &&
        last?.from === source.from &&
        last.size === from.size &&
        last.mtimeMs === from.mtimeMs &&
        to.size === from.size;
      return { source, target, from, fresh };
    }),
  );
  const outputs: OutputFile[] = [];
  const updates: [string, CopiedAsset][] = [];
  for (const { source, target, from, fresh } of checked) {
    if (fresh) continue;
    try {
      if (!from) throw new Error("missing");
      outputs.push({ path: target, data: await readFile(source.from) });
      updates.push([target, { from: source.from, size: from.size, mtimeMs: from.mtimeMs }]);
    } catch {
      report(
        file,
        "journal-profile-invalid",
        `Cannot read \`${source.from}\`, which the journal needs; reinstall with \`npm ci\`.`,
      );
    }
  }
  if (hasErrors(file)) return { file, outputs: [] };
  const htmlPath = join(outDir, `${name}.html`);
  outputs.push({ path: htmlPath, data: html });
  await writeFilesAtomic(outputs);
  for (const [target, asset] of updates) copied.set(target, asset);
  const written = outputs.map((output) => output.path);

  if (options.formats.includes("pdf") && printer) {
    const pdf = await printer.print(htmlPath, outDir, file);
    if (pdf) {
      const pdfPath = join(outDir, `${name}.pdf`);
      await writeFilesAtomic([{ path: pdfPath, data: pdf }]);
      written.push(pdfPath);
    }
  }
  return { file, outputs: written };
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
  const starting = options.formats.includes("pdf")
    ? import("./pdf-printer.ts").then(({ createPdfPrinter }) => createPdfPrinter())
    : undefined;
  starting?.catch(() => undefined); // Awaited below; this only marks a failure as handled.
  const printer: PdfPrinter | undefined = starting && {
    async print(htmlPath, outDir, file) {
      printerResult ??= await starting;
      return "help" in printerResult ? undefined : printerResult.print(htmlPath, outDir, file);
    },
  };
  const copied = new Map<string, CopiedAsset>();
  let closed = false;

  const buildOnce = async (): Promise<PreviewBuild> => {
    if (closed) throw new Error("The preview session is closed.");
    const started = performance.now();
    const { file, outputs } = await buildWarm(path, options, printer, copied);
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
    get pdfUnavailable() {
      return printerResult && "help" in printerResult ? printerResult.help : undefined;
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([running, queued]);
      if (printerResult && "close" in printerResult) await printerResult.close();
    },
  };
  return { session, first };
}
