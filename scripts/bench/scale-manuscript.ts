/**
 * Write the sample manuscript scaled N× into a folder, for benchmarks and linearity tests:
 * the body repeated N times (see `bench-scale.ts`), each copy citing its own copies of the
 * references (600 at 50×) and showing its own copies of the figures, with stand-in images
 * (one copy of each sample image per body copy, so the loaders read N× as many files). The
 * folder is a project of its own (`package.json` marks the root) with the journal copied in
 * and its length limits lifted, so a scaled manuscript reports nothing a 1× one does not.
 *
 *   node --import tsx scripts/scale-manuscript.ts <factor> <folder>
 */
import { copyFile, cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, extname, join, resolve } from "node:path";
import { casepressDirectory } from "../loaders/load-journal.ts";
import { scaleManuscript } from "./bench-scale.ts";

/** What `writeScaledManuscript` wrote. */
export interface ScaledFolder {
  /** The manuscript file. */
  manuscript: string;
  /** Its root folder. */
  root: string;
  /** How many references its bibliography holds. */
  references: number;
  /** How many image files it names. */
  images: number;
  /** The manuscript's size in bytes. */
  bytes: number;
}

/** Options for `writeScaledManuscript`. */
export interface ScaleOptions {
  /** The Casepress checkout holding the sample (default: this one). */
  repository?: string;
  /** Keep the journal's limits instead of lifting them. */
  keepLimits?: boolean;
}

/** Image paths (as written) in Markdown image syntax. */
function imagePaths(markdown: string): string[] {
  return [
    ...new Set([...markdown.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? "")),
  ];
}

/** Copy `k` of an image file name: `fig-1.png` → `fig-1-k.png`; copy 1 keeps its name. */
function imageCopyName(path: string, copy: number): string {
  if (copy === 1) return path;
  const extension = extname(path);
  return `${path.slice(0, -extension.length || undefined)}-${copy}${extension}`;
}

/**
 * Write the sample scaled `factor`× into `folder` (created): `manuscript/case-report.md`,
 * `manuscript/references.json`, `figures/` and `templates/<journal>/`.
 */
export async function writeScaledManuscript(
  factor: number,
  folder: string,
  options: ScaleOptions = {},
): Promise<ScaledFolder> {
  const repository = options.repository ?? casepressDirectory;
  const sample = await readFile(join(repository, "manuscript", "case-report.md"), "utf8");
  const referencesJson = await readFile(join(repository, "manuscript", "references.json"), "utf8");
  const scaled = scaleManuscript(sample, referencesJson, factor);
  const root = resolve(folder);
  const manuscriptDirectory = join(root, "manuscript");
  await mkdir(manuscriptDirectory, { recursive: true });
  await writeFile(join(root, "package.json"), '{ "name": "casepress-scaled", "private": true }\n');

  // Body copies are separated by their headings' "(part k)"; give each copy its own images.
  const parts = scaled.markdown.split(/(?=^# .*\(part \d+\)\s*$)/m);
  const images = imagePaths(sample);
  const written = new Set<string>();
  const markdown = parts
    .map((part) => {
      const copy = Number(/^# .*\(part (\d+)\)/.exec(part)?.[1] ?? 1);
      let text = part;
      for (const image of images) {
        const name = imageCopyName(image, copy);
        written.add(name);
        text = text.split(`](${image})`).join(`](${name})`);
      }
      return text;
    })
    .join("");
  for (const name of written) {
    const original = images.find((image) =>
      basename(name).startsWith(basename(image, extname(image))),
    );
    if (!original) continue;
    const target = resolve(manuscriptDirectory, name);
    await mkdir(resolve(target, ".."), { recursive: true });
    await copyFile(resolve(repository, "manuscript", original), target);
  }

  const journal = /^journal:\s*(\S+)/m.exec(sample)?.[1] ?? "jaad-case-reports";
  const journalFolder = join(root, "templates", journal);
  await cp(join(repository, "templates", journal), journalFolder, { recursive: true });
  if (!options.keepLimits) {
    const profilePath = join(journalFolder, "profile.json");
    // The journal's own profile.json: a JSON object.
    const profile = JSON.parse(await readFile(profilePath, "utf8")) as Record<string, unknown>;
    await writeFile(profilePath, `${JSON.stringify({ ...profile, limits: {} }, null, 2)}\n`);
  }
  const manuscript = join(manuscriptDirectory, "case-report.md");
  await writeFile(manuscript, markdown);
  await writeFile(join(manuscriptDirectory, "references.json"), scaled.references);
  return {
    manuscript,
    root,
    references: scaled.referenceCount,
    images: written.size,
    bytes: Buffer.byteLength(markdown),
  };
}

const invokedDirectly =
  process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename);
if (invokedDirectly) {
  const [factorText, folder] = process.argv.slice(2);
  const factor = Number(factorText);
  if (!folder || !Number.isInteger(factor) || factor < 1) {
    process.stderr.write(
      "Usage: node --import tsx scripts/scale-manuscript.ts <factor ≥ 1> <folder>\n",
    );
    process.exitCode = 2;
  } else {
    const result = await writeScaledManuscript(factor, folder);
    process.stdout.write(
      `wrote ${result.manuscript}: ${(result.bytes / 1024).toFixed(0)} KB, ${result.references} references, ${result.images} images\n`,
    );
  }
}
