/**
 * `casepress build`: compile a manuscript and write `<out>/<name>.html`, its assets folder and,
 * with the pdf format, `<out>/<name>.pdf`. A manuscript with errors writes nothing.
 */
import { readFile, stat } from "node:fs/promises";
import { basename, extname, join, resolve } from "node:path";
import type { VFile } from "vfile";
import { hasErrors, report } from "../diagnostics/diagnostics.ts";
import { renderJats } from "../jats/render-jats.ts";
import { casepressDirectory, casepressVersion } from "../loaders/load-journal.ts";
import { readManuscript } from "../loaders/load-manuscript.ts";
import type { PdfPrinter } from "../pdf/pdf-printer.ts";
import { compileManuscript } from "../pipeline.ts";
import { type OutputFile, writeFilesAtomic } from "../publish/write-atomic.ts";
import { preprintBanner } from "../render/preprint-banner.ts";
import { renderPage } from "../render/render-page.ts";
import { readSourceDateEpoch } from "../render/source-date.ts";
import { rewriteAssetUrls } from "../transforms/remark-asset-urls.ts";

/** The output formats `build` writes. */
export type OutputFormat = "html" | "pdf" | "jats";

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
function buildDate(): Date {
  const epoch = readSourceDateEpoch();
  return epoch.kind === "valid" ? new Date(epoch.seconds * 1000) : new Date();
}

/** Build one manuscript. */
export async function buildManuscript(
  path: string,
  options: BuildOptions,
  printer?: PdfPrinter,
): Promise<BuildResult> {
  const cwd = options.cwd ?? process.cwd();
  const file = await readManuscript(path, { cwd, ...(options.root ? { root: options.root } : {}) });
  const compiled = await compileManuscript(
    file,
    options.journal ? { journal: options.journal } : {},
  );
  const profile = file.data.journal;
  if (hasErrors(file) || !profile || !file.data.resources) return { file, outputs: [] };

  const absolutePath = file.data.manuscript?.absolutePath ?? resolve(cwd, path);
  const name = basename(absolutePath, extname(absolutePath));
  const outDir = resolve(cwd, options.outDir);
  const assets = assetsDirectoryName(name);
  const copies = rewriteAssetUrls(compiled.tree, file.data.resources, assets);
  // JATS XML for deposit: the figures it names are the ones copied into the assets folder.
  const jats = options.formats.includes("jats")
    ? renderJats(compiled.tree, file, profile, { date: buildDate() })
    : undefined;
  const writesHtml = options.formats.includes("html") || options.formats.includes("pdf");
  const html = await renderPage(compiled.tree, file, profile, {
    assetsDirectory: assets,
    generator: `Casepress ${casepressVersion}`,
    ...(options.formats.includes("pdf") ? { pdfUrl: `${name}.pdf` } : {}),
    ...(profile.templateHtml.includes("{{banner}}")
      ? { banner: preprintBanner(file, absolutePath, options.versionLabel) }
      : {}),
  });

  const sources = [
    ...(writesHtml ? profile.stylesheets : []).map((stylesheet) => ({
      from: join(profile.directory, stylesheet),
      to: stylesheet,
    })),
    ...(writesHtml ? profile.fonts : []).map((font) => ({
      from: join(casepressDirectory, "node_modules", font),
      to: `fonts/${basename(font)}`,
    })),
    ...copies,
  ];
  // Look at every source at once; in a warm process, copy only what changed since last time.
  const copied = options.copiedAssets;
  const checked = await Promise.all(
    sources.map(async (source) => {
      const target = join(outDir, assets, source.to);
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
  const outputs: OutputFile[] = [];
  const updates: [string, CopiedAsset][] = [];
  for (const { source, target, fresh, from } of checked) {
    if (fresh) continue;
    try {
      outputs.push({ path: target, data: await readFile(source.from) });
      if (from)
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
  if (writesHtml) outputs.push({ path: htmlPath, data: html });
  if (jats !== undefined) outputs.push({ path: join(outDir, `${name}.xml`), data: jats });
  await writeFilesAtomic(outputs);
  for (const [target, asset] of updates) copied?.set(target, asset);
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
