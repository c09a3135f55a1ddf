/**
 * The whole Casepress pipeline, top to bottom, in one file:
 *
 *   read manuscript (loader) → parse (remark-parse + gfm + frontmatter + directive)
 *   → early transforms: directives back to text, raw HTML, front matter, citation syntax
 *   → load the journal and the files the manuscript names (loaders: all I/O happens here)
 *   → transforms, one processor per journal profile, each plugin given its options from the
 *     profile: figures → tables → float numbering → cross-references → citations
 *                 → abbreviations → journal rules → sections
 *   → severities from the journal profile (the diagnostics gate)
 *   → render (remark-rehype → sanitize → template → rehype-stringify), in `render-page.ts`.
 */
import type { Root } from "mdast";
import { unified } from "unified";
import type { VFile } from "vfile";
import { applySeverities, report } from "./diagnostics/diagnostics.ts";
import { journalNotices, loadJournal } from "./loaders/load-journal.ts";
import { loadResources } from "./loaders/load-resources.ts";
import { collectFileRequests } from "./loaders/resources.ts";
import { findDeepNode, maxNestingDepth, reportManuscriptTooLarge } from "./parse/nesting-depth.ts";
import { parseManuscript } from "./parse/parse-manuscript.ts";
import { type JournalProfile, resolveStatements } from "./schemas/journal-profile.ts";
import { remarkAbbreviations } from "./transforms/abbreviations/remark-abbreviations.ts";
import { remarkPatientPrivacy } from "./transforms/privacy/remark-patient-privacy.ts";
import { remarkCareChecklist } from "./transforms/remark-care-checklist.ts";
import { remarkCitationSyntax } from "./transforms/remark-citation-syntax.ts";
import { remarkCitations } from "./transforms/remark-citations.ts";
import { remarkCrossReferences } from "./transforms/remark-cross-references.ts";
import { remarkDirectiveText } from "./transforms/remark-directive-text.ts";
import { remarkFigures } from "./transforms/remark-figures.ts";
import { remarkJournalRules } from "./transforms/remark-journal-rules.ts";
import { remarkNumberFloats } from "./transforms/remark-number-floats.ts";
import { remarkRawHtml } from "./transforms/remark-raw-html.ts";
import { remarkSections } from "./transforms/remark-sections.ts";
import { remarkTables } from "./transforms/remark-tables.ts";
import { remarkValidateFrontMatter } from "./transforms/remark-validate-front-matter.ts";

/** The journal used when neither the front matter nor `--journal` names one. */
export const defaultJournal = "case-report";

/** Transforms that need nothing but the manuscript itself, in order. */
const earlyTransforms = unified()
  .use(remarkDirectiveText)
  .use(remarkRawHtml)
  .use(remarkValidateFrontMatter)
  .use(remarkCitationSyntax)
  .freeze();

/** Ids the page uses outside the body (reference list, abbreviations box): no section takes them. */
const pageIds = ["references", "abbreviations-title"];

/** The transforms that need the journal profile and the loaded files, in order. */
function journalTransforms(journal: JournalProfile, reportCare: boolean) {
  return unified()
    .use(remarkFigures, journal.figures)
    .use(remarkTables)
    .use(remarkNumberFloats, {
      labels: { figure: journal.labels.figure, table: journal.labels.table },
      numbering: { figure: journal.numbering.figure, table: journal.numbering.table },
    })
    .use(remarkCrossReferences)
    .use(remarkCitations, { style: journal["citation-style"] })
    .use(remarkAbbreviations, {
      allow: journal.abbreviations.allow,
      minUses: journal.abbreviations["min-uses"],
    })
    .use(remarkJournalRules, {
      journalName: journal.name,
      requiredSections: journal["required-sections"],
      statements: resolveStatements(journal),
      abstract: journal.abstract,
      requireCorrespondingAuthor: journal["require-corresponding-author"],
      limits: journal.limits,
    })
    .use(remarkPatientPrivacy)
    .use(remarkCareChecklist, { report: reportCare })
    .use(remarkSections, { reservedIds: pageIds })
    .freeze();
}

/**
 * One frozen processor per loaded journal profile (a reloaded profile is a new object) and
 * per whether missing CARE items are reported.
 */
const processors = new WeakMap<
  JournalProfile,
  Map<boolean, ReturnType<typeof journalTransforms>>
>();

/** Whether the profile raises a CARE rule above its default info, so it always reports them. */
function raisesCare(journal: JournalProfile): boolean {
  const severity = journal.severities["care-item-missing"];
  return severity === "warning" || severity === "error";
}

function transformsFor(
  journal: JournalProfile,
  reportCare: boolean,
): ReturnType<typeof journalTransforms> {
  let byReport = processors.get(journal);
  if (!byReport) {
    byReport = new Map();
    processors.set(journal, byReport);
  }
  let processor = byReport.get(reportCare);
  if (!processor) {
    processor = journalTransforms(journal, reportCare);
    byReport.set(reportCare, processor);
  }
  return processor;
}

/** Options for `compileManuscript`. */
export interface CompileOptions {
  /** A journal id that overrides the front matter's `journal` (`--journal`). */
  journal?: string;
  /** A checklist to fill and report missing items of (`--checklist care`). */
  checklist?: "care";
}

/**
 * A manuscript after every transform: its tree and its file, which carries the diagnostics and,
 * once loaded, the journal profile (`file.data.journal`) and the files it names.
 */
export interface CompiledManuscript {
  file: VFile;
  tree: Root;
}

/**
 * Parse the manuscript, refusing trees deeper than `maxNestingDepth`: the transforms and the
 * renderer walk trees recursively. The loader's text scan catches almost all deep input first.
 */
function parseWithinDepth(file: VFile): Root {
  let tree: Root;
  try {
    tree = parseManuscript(file);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const reason = `Unexpected nesting too deep to parse, expected at most ${maxNestingDepth} levels; flatten the structure.`;
    reportManuscriptTooLarge(file, reason, { line: 1, column: 1 });
    return { type: "root", children: [] };
  }
  const deep = findDeepNode(tree);
  if (!deep) return tree;
  const reason = `Unexpected nesting ${deep.depth} levels deep, expected at most ${maxNestingDepth}; flatten the structure.`;
  reportManuscriptTooLarge(file, reason, deep.point ?? { line: 1, column: 1 });
  return { type: "root", children: [] };
}

/** Parse, load and transform a manuscript that `readManuscript` read into `file`. */
export async function compileManuscript(
  file: VFile,
  options: CompileOptions = {},
): Promise<CompiledManuscript> {
  const tree = parseWithinDepth(file);
  const location = file.data.manuscript;
  if (
    !location ||
    file.messages.some(
      (message) =>
        message.fatal &&
        message.source === "casepress-manuscript" &&
        message.ruleId !== "directive-unclosed",
    )
  ) {
    return { file, tree };
  }
  await earlyTransforms.run(tree, file);
  const frontMatter = file.data.frontMatter ?? { title: "", authors: [] };

  const journalId = options.journal ?? frontMatter.journal ?? defaultJournal;
  const journal = loadJournal(journalId, location.root);
  if ("rule" in journal) {
    const place = options.journal
      ? { line: 1, column: 1 }
      : file.data.locateFrontMatter?.(["journal"]);
    report(file, journal.rule, journal.message, place, journal.file ? { file: journal.file } : {});
    return { file, tree };
  }
  file.data.journal = journal;
  for (const notice of journalNotices(journal))
    report(file, notice.rule, notice.message, notice.place, { file: notice.file });
  file.data.resources = await loadResources(collectFileRequests(tree, frontMatter), location);
  await transformsFor(journal, options.checklist === "care" || raisesCare(journal)).run(tree, file);
  applySeverities(file, journal.severities);
  return { file, tree };
}
