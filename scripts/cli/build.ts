/**
 * `casepress build`: compile a manuscript and write `<out>/<name>.html`, its assets folder and,
 * with the pdf format, `<out>/<name>.pdf`; with the docx format, `<out>/<name>.docx`. A manuscript
 * with errors writes nothing, unless it is built as a draft (`--draft`): then it is written with
 * each problem marked in place and a DRAFT mark with the error count (see remark-draft-marks.ts).
 */
import { stat } from "node:fs/promises";
import { basename, dirname, extname, join, resolve } from "node:path";
import type { VFile } from "vfile";
import { hasErrors, report } from "../diagnostics/diagnostics.ts";
import { renderJats } from "../jats/render-jats.ts";
import { casepressVersion, fontsDirectory } from "../loaders/load-journal.ts";
import { readManuscript } from "../loaders/load-manuscript.ts";
import { describeFailure, type FileKind, outputPath, readGuarded } from "../loaders/path-guard.ts";
import type { PdfPrinter } from "../pdf/pdf-printer.ts";
import { compileManuscript } from "../pipeline.ts";
import { OutputStage } from "../publish/write-atomic.ts";
import { preprintBanner } from "../render/preprint-banner.ts";
import { renderPage } from "../render/render-page.ts";
import { sourceDateFor } from "../render/source-date.ts";
import { rewriteAssetUrls } from "../transforms/remark-asset-urls.ts";
import { addDraftMark } from "../transforms/remark-draft-marks.ts";

/** The output formats `build` writes. */
export type OutputFormat = "html" | "pdf" | "docx" | "jats";

/** Options of `casepress build`. */
export interface BuildOptions {
  /** The output folder (default `dist`). */
  outDir: string;
  /** Which outputs to write. */
  formats: readonly OutputFormat[];
  /** Journal override (`--journal`). */
  journal?: string;
  /** Root override (`--root`). */
  root?: string;
  /** Working directory for relative paths. */
  cwd?: string;
  /** The preprint version label (`--version-label`); default: `CASEPRESS_VERSION_LABEL`, `GITHUB_SHA`. */
  versionLabel?: string;
  /**
   * Assets this process already copied (a warm preview): a source whose size and modification
   * time are unchanged, with its copy still in place, is not copied again.
   */
  copiedAssets?: Map<string, CopiedAsset>;
  /** Write the output despite errors, each problem marked in place (`--draft`). */
  draft?: boolean;
}

/** An asset copied into the output folder, as it was when copied. */
export interface CopiedAsset {
  from: string;
  size: number;
  mtimeMs: number;
}

/** What one build did. */
export interface BuildResult {
  file: VFile;
  /** Paths written. */
  outputs: string[];
}

/** The folder of assets beside `<name>.html`. */
export function assetsDirectoryName(name: string): string {
  return `${name}_files`;
}

/** The build date: a valid `SOURCE_DATE_EPOCH`, so the output is reproducible; else now. */
function buildDate(file: VFile): Date {
  const epoch = sourceDateFor(file);
  return epoch.kind === "valid" ? new Date(epoch.seconds * 1000) : new Date();
}

/** A file copied into the assets folder, with the folder it must stay inside. */
interface AssetSource {
  from: string;
  root: string;
  kind: FileKind;
  to: string;
}

/** Build one manuscript. */
export async function buildManuscript(
  path: string,
  options: BuildOptions,
  printer?: PdfPrinter,
): Promise<BuildResult> {
  const cwd = options.cwd ?? process.cwd();
  const file = await readManuscript(path, { cwd, ...(options.root ? { root: options.root } : {}) });
  if (options.draft) file.data.draft = true;
  const compiled = await compileManuscript(
    file,
    options.journal ? { journal: options.journal } : {},
  );
  const profile = file.data.journal;
  if ((hasErrors(file) && !options.draft) || !profile || !file.data.resources)
    return { file, outputs: [] };
  const errors = file.messages.filter((message) => message.fatal === true).length;
  if (errors > 0) addDraftMark(compiled.tree, errors);
  // A draft with errors is for reading: DOCX and JATS (deposit formats) are not drafted.
  const formats =
    errors > 0
      ? options.formats.filter((format) => format === "html" || format === "pdf")
      : options.formats;

  const absolutePath = file.data.manuscript?.absolutePath ?? resolve(cwd, path);
  const name = basename(absolutePath, extname(absolutePath));
  const outDir = resolve(cwd, options.outDir);
  const docx = formats.includes("docx")
    ? await (await import("../docx/write-docx.ts")).docxOutput(compiled.tree, file, profile, {
        outDir,
        name,
        generator: `Casepress ${casepressVersion}`,
      })
    : undefined;
  const assets = assetsDirectoryName(name);
  const copies = rewriteAssetUrls(compiled.tree, file.data.resources, assets);
  // JATS XML for deposit: the figures it names are the ones copied into the assets folder.
  const jats = formats.includes("jats")
    ? renderJats(compiled.tree, file, profile, { date: buildDate(file) })
    : undefined;
  const writesHtml = formats.includes("html") || formats.includes("pdf");
  const html = await renderPage(compiled.tree, file, profile, {
    assetsDirectory: assets,
    generator: `Casepress ${casepressVersion}`,
    ...(formats.includes("pdf") ? { pdfUrl: `${name}.pdf` } : {}),
    ...(profile.templateHtml.includes("{{banner}}")
      ? { banner: preprintBanner(file, absolutePath, options.versionLabel) }
      : {}),
  });

  // Every source is read through the path guard, inside the folder it belongs to.
  const root = file.data.manuscript?.root ?? dirname(absolutePath);
  const sources: AssetSource[] = [
    ...(writesHtml ? profile.stylesheets : []).map((stylesheet) => ({
      from: join(profile.directory, stylesheet),
      root: profile.directory,
      kind: "journal" as const,
      to: stylesheet,
    })),
    ...(writesHtml ? profile.fonts : []).map((font) => ({
      from: join(fontsDirectory(), font),
      root: fontsDirectory(),
      kind: "font" as const,
      to: `fonts/${basename(font)}`,
    })),
    ...(writesHtml || jats !== undefined ? copies : []).map((copy) => ({
      ...copy,
      root,
      kind: "image" as const,
    })),
  ];
  // Look at every source at once; in a warm process, reuse what did not change since last time.
  const copied = options.copiedAssets;
  const checked = await Promise.all(
    sources.map(async (source) => {
      const target = outputPath(outDir, assets, source.to);
      if (!copied) return { source, target, fresh: false, from: undefined };
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
      return { source, target, fresh, from };
    }),
  );
  // Everything is staged inside --out, then published together (see write-atomic.ts).
  const stage = await OutputStage.create(outDir);
  try {
    const written: string[] = [];
    const updates: [string, CopiedAsset][] = [];
    let stagedAssets = 0;
    for (const { source, target, fresh, from } of checked) {
      const staged = join(assets, source.to);
      if (fresh) {
        // Reused from the last build (a hard link): staged, but not listed as written.
        await stage.reuse(staged, target);
        stagedAssets++;
        continue;
      }
      const read = await readGuarded(source.from, source.root, source.kind);
      if (!read.ok) {
        report(
          file,
          source.kind === "image" ? "figure-file-unreadable" : "journal-profile-invalid",
          `Cannot read \`${source.from}\`, which the page needs: ${describeFailure(read.failure)}. ${source.kind === "image" ? "Check the file." : "Reinstall with `npm ci` or fix the journal profile."}`,
        );
        continue;
      }
      await stage.write(staged, read.bytes);
      stagedAssets++;
      written.push(target);
      if (from)
        updates.push([target, { from: source.from, size: from.size, mtimeMs: from.mtimeMs }]);
    }
    if (hasErrors(file) && !options.draft) {
      await stage.abort();
      return { file, outputs: [] };
    }
    const names = stagedAssets > 0 ? [assets] : [];
    const htmlName = `${name}.html`;
    const stagedHtml = writesHtml ? await stage.write(htmlName, html) : undefined;
    if (writesHtml) {
      names.unshift(htmlName);
      written.unshift(outputPath(outDir, htmlName));
    }
    if (jats !== undefined) {
      await stage.write(`${name}.xml`, jats);
      names.push(`${name}.xml`);
      written.push(outputPath(outDir, `${name}.xml`));
    }
    if (stagedHtml && formats.includes("pdf") && printer) {
      // The PDF is printed from the staged page, beside its staged assets.
      const pdf = await printer.print(stagedHtml, stage.directory, file);
      if (pdf) {
        await stage.write(`${name}.pdf`, pdf);
        names.push(`${name}.pdf`);
        written.push(outputPath(outDir, `${name}.pdf`));
      }
    }
    if (docx) {
      await stage.write(basename(docx.path), docx.data);
      names.push(basename(docx.path));
      written.push(docx.path);
    }
    await stage.commit(names);
    for (const [target, asset] of updates) copied?.set(target, asset);
    return { file, outputs: written };
  } catch (error) {
    await stage.abort();
    throw error;
  }
}
