/**
 * `casepress package`: the files a submission system asks for, in `<out>/<name>-submission/`
 * and a deterministic `<out>/<name>-submission.zip` of that folder:
 *
 *   manuscript.docx         the submission form (`--format docx`)
 *   figures/Figure 1.tif …  each figure image on its own, at the journal's dpi at print width
 *   proof.pdf               the typeset PDF
 *   care-checklist.md       the filled CARE checklist (`check --checklist care --format markdown`)
 *   manifest.json           every file with its role, size and SHA-256
 *
 * The whole check runs first and errors stop the package; the figure exports are read back and
 * verified; every file name is checked against what submission systems accept.
 */
import { createHash } from "node:crypto";
import { readdir, readFile, rm } from "node:fs/promises";
import { basename, extname, join, resolve } from "node:path";
import type { VFile } from "vfile";
import { type BuildOptions, buildManuscript } from "../cli/build.ts";
import { hasErrors, report } from "../diagnostics/diagnostics.ts";
import { formatChecklistMarkdown } from "../diagnostics/format-checklist.ts";
import { docxOutput } from "../docx/write-docx.ts";
import { casepressVersion } from "../loaders/load-journal.ts";
import { readManuscript } from "../loaders/load-manuscript.ts";
import type { PdfPrinter } from "../pdf/pdf-printer.ts";
import { compileManuscript } from "../pipeline.ts";
import { buildTime, zipDeterministic } from "../publish/deterministic-zip.ts";
import { writeFilesAtomic } from "../publish/write-atomic.ts";
import { exportFigures } from "./export-figures.ts";

/** Options of `casepress package`: those of `build`, less the formats. */
export type PackageOptions = Omit<BuildOptions, "formats" | "copiedAssets">;

/** What a file in the package is for. */
export type PackageRole = "manuscript" | "figure" | "proof" | "checklist" | "manifest";

/** One file of the package as `manifest.json` lists it. */
export interface ManifestFile {
  /** The path inside the package folder, with forward slashes. */
  path: string;
  /** What the file is for. */
  role: PackageRole;
  /** Its size and SHA-256 (hex), so a submission can be checked against the manifest. */
  bytes: number;
  sha256: string;
  /** For figures: the figure id, pixel size and dpi written. */
  figure?: string;
  width?: number;
  height?: number;
  dpi?: number;
}

/** The package's `manifest.json`. */
export interface Manifest {
  /** `Casepress <version>`. */
  generator: string;
  /** The journal profile's id. */
  journal: string;
  /** The manuscript's file name. */
  manuscript: string;
  /** The build time (`SOURCE_DATE_EPOCH` when set), ISO 8601 in UTC. */
  created: string;
  /** Every file but the manifest itself, in package order. */
  files: ManifestFile[];
}

/** What one `package` run did. */
export interface PackageResult {
  /** The manuscript with every diagnostic of the check and the package. */
  file: VFile;
  /** Paths written: the folder's files and the zip. */
  outputs: string[];
  /** The folder and the zip, when written. */
  directory?: string;
  zip?: string;
  /** True when the check passed but the proof PDF could not be printed (no browser). */
  proofMissing?: boolean;
}

/**
 * A name submission systems (Editorial Manager, ScholarOne) take as it is: ASCII letters,
 * digits, spaces, `.`, `-` and `_`, starting with a letter or digit, at most 64 characters.
 */
export function isAcceptableFileName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/.test(name) && !/[ .]$/.test(name);
}

/** The name with every unaccepted character replaced, as a suggestion. */
function suggestName(name: string): string {
  const cleaned = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9 ._-]+/g, "-")
    .replace(/^[^A-Za-z0-9]+/, "")
    .replace(/[ .]+$/, "");
  return cleaned.slice(0, 64) || "manuscript";
}

function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Package one manuscript for submission. */
export async function packageManuscript(
  path: string,
  options: PackageOptions,
  printer?: PdfPrinter,
): Promise<PackageResult> {
  const cwd = options.cwd ?? process.cwd();
  const file = await readManuscript(path, { cwd, ...(options.root ? { root: options.root } : {}) });
  // The whole check, with the CARE checklist filled: errors stop the package.
  const compiled = await compileManuscript(file, {
    checklist: "care",
    ...(options.journal ? { journal: options.journal } : {}),
  });
  const profile = file.data.journal;
  if (hasErrors(file) || !profile || !file.data.resources) return { file, outputs: [] };

  const absolutePath = file.data.manuscript?.absolutePath ?? resolve(cwd, path);
  const name = basename(absolutePath, extname(absolutePath));
  const folderName = `${name}-submission`;
  const start = { line: 1, column: 1 };
  if (!isAcceptableFileName(`${folderName}.zip`))
    report(
      file,
      "package-file-name-invalid",
      `Unexpected package name \`${folderName}\` (from the manuscript's file name), expected only ASCII letters, digits, spaces, \`.\`, \`-\` and \`_\`, at most 64 characters; rename the manuscript, e.g. to \`${suggestName(name)}.md\`.`,
      start,
    );

  const generator = `Casepress ${casepressVersion}`;
  const time = buildTime();
  const { data: docx } = await docxOutput(compiled.tree, file, profile, {
    outDir: "",
    name: "manuscript",
    generator,
    time,
  });
  const figures = await exportFigures(compiled.tree, file, profile);
  for (const figure of figures)
    if (!isAcceptableFileName(figure.name))
      report(
        file,
        "package-file-name-invalid",
        `Unexpected figure file name \`${figure.name}\`, expected only ASCII letters, digits, spaces, \`.\`, \`-\` and \`_\`; change \`submission.figure-file-prefix\` in the journal profile.`,
        start,
      );
  if (hasErrors(file)) return { file, outputs: [] };

  // The proof: the typeset HTML and PDF, written to `<out>` as `build` writes them.
  const built = await buildManuscript(path, { ...options, formats: ["html", "pdf"] }, printer);
  const pdfPath = built.outputs.find((output) => output.endsWith(".pdf"));
  // The build's own messages say why it printed nothing (no browser, a timeout).
  if (hasErrors(built.file) || !pdfPath)
    return { file: built.file, outputs: [], proofMissing: !pdfPath };
  const proof = new Uint8Array(await readFile(pdfPath));

  const entries: { path: string; role: PackageRole; data: Uint8Array; extra?: object }[] = [
    { path: "manuscript.docx", role: "manuscript", data: docx },
    ...figures.map((figure) => ({
      path: `figures/${figure.name}`,
      role: "figure" as const,
      data: figure.data,
      extra: { figure: figure.figure, width: figure.width, height: figure.height, dpi: figure.dpi },
    })),
    { path: "proof.pdf", role: "proof", data: proof },
    {
      path: "care-checklist.md",
      role: "checklist",
      data: new TextEncoder().encode(formatChecklistMarkdown([file], () => basename(absolutePath))),
    },
  ];
  const manifest: Manifest = {
    generator,
    journal: profile.id,
    manuscript: basename(absolutePath),
    created: time.toISOString().replace(/\.\d{3}Z$/, "Z"),
    files: entries.map((entry) => ({
      path: entry.path,
      role: entry.role,
      bytes: entry.data.byteLength,
      sha256: sha256(entry.data),
      ...entry.extra,
    })),
  };
  const all = [
    ...entries,
    {
      path: "manifest.json",
      role: "manifest" as const,
      data: new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`),
    },
  ];

  const outDir = resolve(cwd, options.outDir);
  const directory = join(outDir, folderName);
  const zipPath = join(outDir, `${folderName}.zip`);
  const zip = zipDeterministic(
    all.map((entry) => ({ path: `${folderName}/${entry.path}`, data: entry.data })),
    time,
  );
  const outputs = [
    ...all.map((entry) => ({ path: join(directory, ...entry.path.split("/")), data: entry.data })),
    { path: zipPath, data: zip },
  ];
  await writeFilesAtomic(outputs);
  // Figures of an earlier package that this one no longer has would contradict the manifest.
  const kept = new Set(figures.map((figure) => figure.name));
  const present = await readdir(join(directory, "figures")).catch(() => [] as string[]);
  await Promise.all(
    present
      .filter((entry) => !kept.has(entry) && !entry.startsWith("."))
      .map((entry) => rm(join(directory, "figures", entry), { force: true })),
  );
  return {
    file,
    outputs: [...outputs.map((output) => output.path), ...built.outputs],
    directory,
    zip: zipPath,
  };
}
