/**
 * The benchmark's workspace: a temp folder holding 100 copies of the sample, and the sample
 * scaled 10× and 50× (for Casepress by scale-manuscript.ts, for Pandoc from the Pandoc fixture by
 * the same transformation). Everything the benchmark writes goes there; the repository is only read.
 */
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scalePandocManuscript } from "./bench-scale.ts";
import { writeScaledManuscript } from "./scale-manuscript.ts";

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
  return join(repository, "scripts", "bench", "fixtures");
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
    // scale-manuscript.ts: the sample ×factor with its own reference and image copies, and the
    // journal's length limits lifted.
    const written = await writeScaledManuscript(factor, join(directory, `scaled-${factor}`), {
      repository,
    });
    scaled.set(factor, written.manuscript);

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
