/**
 * The benchmark's workspace: a temp folder holding 100 copies of the sample, the sample scaled
 * 10× and 50× (for Casepress and for Pandoc), and Casepress's own HTML for the bare-Chromium
 * comparison. Everything the benchmark writes goes there; the repository is only read.
 */
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scaleManuscript, scalePandocManuscript } from "./bench-scale.ts";

/** Where the benchmark's inputs live. */
export interface Workspace {
  /** The temp folder. */
  directory: string;
  /** A folder of 100 copies of the sample (`case-001.md` …), with its references and figures. */
  batchManuscripts: string;
  /** The sample scaled by each factor, for Casepress. */
  scaled: Map<number, string>;
  /** The Pandoc Markdown fixture at each scale (1 is the fixture itself), with its bibliography. */
  pandoc: Map<number, { markdown: string; bibliography: string }>;
  /** The folder outputs go to. */
  out: string;
}

/** The repository's fixtures for the benchmark. */
export function fixturesDirectory(repository: string): string {
  return join(repository, "bench", "fixtures");
}

/**
 * A copy of the repository's journal whose length limits are lifted, for scaled manuscripts
 * (the journal's 1000-word limit would stop a 50× build). Casepress looks in the manuscript
 * root's `templates/` first.
 */
async function copyJournalWithoutLimits(
  repository: string,
  root: string,
  journal: string,
): Promise<void> {
  const target = join(root, "templates", journal);
  await cp(join(repository, "templates", journal), target, { recursive: true });
  const profilePath = join(target, "profile.json");
  const profile = JSON.parse(await readFile(profilePath, "utf8")) as Record<string, unknown>; // The journal's own profile: a JSON object.
  await writeFile(profilePath, `${JSON.stringify({ ...profile, limits: {} }, null, 2)}\n`);
}

/** A project folder (package.json marks the root) with the sample's figures. */
async function project(repository: string, directory: string): Promise<void> {
  await mkdir(join(directory, "manuscript"), { recursive: true });
  await cp(join(repository, "figures"), join(directory, "figures"), { recursive: true });
  await writeFile(
    join(directory, "package.json"),
    '{ "name": "casepress-bench-input", "private": true }\n',
  );
}

/** Build the workspace: `copies` copies of the sample and the sample at each of `factors`. */
export async function prepareWorkspace(
  repository: string,
  options: { copies: number; factors: readonly number[] },
): Promise<Workspace> {
  const directory = await mkdtemp(join(tmpdir(), "casepress-bench-"));
  const sample = await readFile(join(repository, "manuscript", "case-report.md"), "utf8");
  const references = await readFile(join(repository, "manuscript", "references.json"), "utf8");
  const journal = /^journal:\s*(\S+)/m.exec(sample)?.[1] ?? "jaad-case-reports";

  const batch = join(directory, "batch");
  await project(repository, batch);
  await writeFile(join(batch, "manuscript", "references.json"), references);
  for (let copy = 1; copy <= options.copies; copy++) {
    await writeFile(join(batch, "manuscript", `case-${String(copy).padStart(3, "0")}.md`), sample);
  }

  const pandocFixture = join(fixturesDirectory(repository), "pandoc");
  const pandocMarkdown = await readFile(join(pandocFixture, "case-report.md"), "utf8");
  const pandocReferences = await readFile(join(pandocFixture, "references.json"), "utf8");
  const pandoc = new Map<number, { markdown: string; bibliography: string }>([
    [
      1,
      {
        markdown: join(pandocFixture, "case-report.md"),
        bibliography: join(pandocFixture, "references.json"),
      },
    ],
  ]);

  const scaled = new Map<number, string>();
  for (const factor of options.factors) {
    const root = join(directory, `scaled-${factor}`);
    await project(repository, root);
    await copyJournalWithoutLimits(repository, root, journal);
    const copy = scaleManuscript(sample, references, factor);
    const path = join(root, "manuscript", "case-report.md");
    await writeFile(path, copy.markdown);
    await writeFile(join(root, "manuscript", "references.json"), copy.references);
    scaled.set(factor, path);

    const pandocRoot = join(directory, `pandoc-${factor}`);
    await mkdir(pandocRoot, { recursive: true });
    const pandocCopy = scalePandocManuscript(pandocMarkdown, pandocReferences, factor);
    await writeFile(join(pandocRoot, "case-report.md"), pandocCopy.markdown);
    await writeFile(join(pandocRoot, "references.json"), pandocCopy.references);
    pandoc.set(factor, {
      markdown: join(pandocRoot, "case-report.md"),
      bibliography: join(pandocRoot, "references.json"),
    });
  }

  const out = join(directory, "out");
  await mkdir(out, { recursive: true });
  return { directory, batchManuscripts: join(batch, "manuscript"), scaled, pandoc, out };
}

/** The CSL style Pandoc uses: the journal's own. */
export function pandocStyle(repository: string): string {
  const style = join(repository, "templates", "jaad-case-reports", "jaad.csl");
  if (!existsSync(style))
    throw new Error(`Missing ${style}, the CSL style the Pandoc comparison uses.`);
  return style;
}
