/**
 * Loader for journal folders (`templates/<journal>/`): the profile, the HTML template and the
 * CSL style. Journals are looked up in the manuscript root's `templates/` first, then in
 * Casepress's own. A local journal is as hostile as a manuscript: every file it names is read
 * through the path guard inside its folder, and its template is sanitised. Loaded journals are
 * cached for the process and read again when their files change.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { isRuleId, rules } from "../diagnostics/rules.ts";
import { didYouMean } from "../diagnostics/suggest.ts";
import {
  type JournalProfile,
  journalProfileSchema,
  statementTypes,
} from "../schemas/journal-profile.ts";
import { describeFailure, readGuardedSync, resolveReference } from "./path-guard.ts";
import { sanitizeTemplate, type TemplateRemoval } from "./sanitize-template.ts";

/**
 * Casepress's own folder: the nearest folder above this module holding its package.json (else
 * this module's folder; not the working folder, which the startup snapshot would freeze).
 */
export const casepressDirectory: string = (() => {
  const here = dirname(fileURLToPath(import.meta.url));
  let directory = here;
  for (;;) {
    const manifest = join(directory, "package.json");
    if (existsSync(manifest) && /"name":\s*"casepress"/.test(readFileSync(manifest, "utf8")))
      return directory;
    const parent = dirname(directory);
    if (parent === directory) return here;
    directory = parent;
  }
})();

/** The version in Casepress's package.json, for generator tags and PDF metadata. */
export const casepressVersion: string = (() => {
  try {
    const manifest: unknown = JSON.parse(
      readFileSync(join(casepressDirectory, "package.json"), "utf8"),
    );
    const version = (manifest as { version?: unknown }).version;
    return typeof version === "string" ? version : "0.0.0";
  } catch {
    return "0.0.0";
  }
})();

/** The profile's top-level keys, for "did you mean" on an unknown one. */
const profileKeys = Object.keys(journalProfileSchema.shape);

/** Where a journal failed to load, and why. */
export interface JournalProblem {
  /** `journal-unknown` or `journal-profile-invalid`. */
  rule: "journal-unknown" | "journal-profile-invalid";
  message: string;
  /** The file at fault, when there is one. */
  file?: string;
}

/** The folders that hold journals, in lookup order. */
export function journalFolders(manuscriptRoot: string): string[] {
  const own = join(casepressDirectory, "templates");
  const local = join(manuscriptRoot, "templates");
  return local === own ? [own] : [local, own];
}

/** A loaded journal with the size and modification time of each file it was read from. */
interface CacheEntry {
  value: JournalProfile | JournalProblem;
  stamps: Map<string, string>;
}

const cache = new Map<string, CacheEntry>();

/** Size and modification time of `path`, or `missing`. */
function stampOf(path: string): string {
  try {
    const info = statSync(path);
    return `${info.size}:${info.mtimeMs}:${info.ino}`;
  } catch {
    return "missing";
  }
}

/** Forget every loaded journal (the next load reads the files again). */
export function invalidateJournalCache(): void {
  cache.clear();
}

/** What a local journal's template lost to sanitising, by loaded profile. */
const templateRemovals = new WeakMap<JournalProfile, JournalNotice[]>();

/** A warning about a journal's files (what sanitising its template removed). */
export interface JournalNotice {
  rule: TemplateRemoval["rule"];
  message: string;
  file: string;
  place: { line: number; column: number };
}

/** The warnings to report for `profile` (empty for Casepress's own journals). */
export function journalNotices(profile: JournalProfile): readonly JournalNotice[] {
  return templateRemovals.get(profile) ?? [];
}

/**
 * Load journal `id` for a manuscript under `manuscriptRoot`. Loaded journals are cached for the
 * process and read again when any of their files changed (size, modification time or inode),
 * so `build --watch` sees an edited template.
 */
export function loadJournal(id: string, manuscriptRoot: string): JournalProfile | JournalProblem {
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(id)) {
    return {
      rule: "journal-unknown",
      message: `Unexpected journal id \`${id}\`, expected a folder name such as \`jaad-case-reports\`.`,
    };
  }
  const directory = journalFolders(manuscriptRoot)
    .map((folder) => join(folder, id))
    .find((candidate) => existsSync(join(candidate, "profile.json")));
  if (!directory) {
    return {
      rule: "journal-unknown",
      message: `Unknown journal \`${id}\`: no \`templates/${id}/profile.json\` found.`,
    };
  }
  const cached = cache.get(directory);
  if (cached && [...cached.stamps].every(([path, stamp]) => stampOf(path) === stamp))
    return cached.value;
  const stamps = new Map<string, string>();
  const value = readJournal(id, directory, stamps);
  cache.set(directory, { value, stamps });
  return value;
}

/** The fonts' folder: journals name fonts of the installed `@fontsource` packages. */
export function fontsDirectory(): string {
  return join(casepressDirectory, "node_modules");
}

/** File types a journal may list as fonts. */
const fontExtensions = /\.(woff2?|ttf|otf)$/i;

/** A safe relative path: names of letters, digits, `.`, `_`, `-` and `@`, joined by `/`. */
const safeRelativePath = /^(?!.*(^|\/)\.\.?(\/|$))[\w@.-]+(\/[\w@.-]+)*$/;

function readJournal(
  id: string,
  directory: string,
  stamps: Map<string, string>,
): JournalProfile | JournalProblem {
  const profilePath = join(directory, "profile.json");
  stamps.set(profilePath, stampOf(profilePath));
  const profileRead = readGuardedSync(profilePath, directory, "journal");
  if (!profileRead.ok) {
    return {
      rule: "journal-profile-invalid",
      file: profilePath,
      message: `Cannot read the journal profile: ${describeFailure(profileRead.failure)}.`,
    };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(profileRead.bytes.toString("utf8"));
  } catch (error) {
    return {
      rule: "journal-profile-invalid",
      file: profilePath,
      message: `Invalid JSON in the journal profile: ${(error as Error).message}.`,
    };
  }
  const parsed = journalProfileSchema.safeParse(raw);
  if (!parsed.success) {
    const details = parsed.error.issues
      .map((issue) => {
        const where = `\`${issue.path.join(".") || "(root)"}\` ${issue.message}`;
        if (issue.code !== "unrecognized_keys") return where;
        const known =
          issue.path.length === 0
            ? profileKeys
            : issue.path[0] === "statements"
              ? statementTypes
              : [];
        return `${where}${issue.keys.map((key) => didYouMean(key, known)).join("")}`;
      })
      .join("; ");
    return {
      rule: "journal-profile-invalid",
      file: profilePath,
      message: `Invalid journal profile: ${details}.`,
    };
  }
  const profile = parsed.data;
  const unknownRule = Object.keys(profile.severities).find((rule) => !isRuleId(rule));
  if (unknownRule !== undefined) {
    return {
      rule: "journal-profile-invalid",
      file: profilePath,
      message: `Unknown rule \`${unknownRule}\` in the profile's \`severities\`; \`casepress rules\` lists the rule ids.${didYouMean(unknownRule, Object.keys(rules))}`,
    };
  }
  const invalid = (message: string): JournalProblem => ({
    rule: "journal-profile-invalid",
    file: profilePath,
    message,
  });
  // Every file the profile names stays inside the journal's folder (fonts: inside the installed
  // font packages), under a plain relative name, which is also its name in the output.
  for (const name of [profile.template, profile.csl, ...profile.stylesheets]) {
    const resolved = resolveReference(name, directory, directory);
    if (!safeRelativePath.test(name) || resolved.kind !== "local")
      return invalid(
        `Unexpected file name \`${name}\` in the journal profile, expected a plain relative path inside \`${directory}\` (no \`..\`, no absolute path, no URL).`,
      );
  }
  for (const font of profile.fonts) {
    const resolved = resolveReference(font, fontsDirectory(), fontsDirectory());
    if (!safeRelativePath.test(font) || !fontExtensions.test(font) || resolved.kind !== "local")
      return invalid(
        `Unexpected font \`${font}\` in the journal profile, expected a .woff2, .woff, .ttf or .otf file of an installed package such as \`@fontsource/source-serif-4/files/…\`.`,
      );
  }
  const read = (name: string): string | JournalProblem => {
    const path = join(directory, name);
    stamps.set(path, stampOf(path));
    const result = readGuardedSync(path, directory, "journal");
    if (result.ok) return result.bytes.toString("utf8");
    if (result.failure.status === "missing")
      return invalid(
        `The journal profile names \`${name}\`, which does not exist in \`${directory}\`.`,
      );
    return invalid(`Cannot read \`${name}\` of the journal: ${describeFailure(result.failure)}.`);
  };
  for (const stylesheet of profile.stylesheets) {
    const path = join(directory, stylesheet);
    stamps.set(path, stampOf(path));
  }
  const template = read(profile.template);
  if (typeof template !== "string") return template;
  const cslXml = read(profile.csl);
  if (typeof cslXml !== "string") return cslXml;
  // Casepress's own templates are trusted; a manuscript's local ones are sanitised.
  const own = directory.startsWith(join(casepressDirectory, "templates") + sep);
  const sanitized = own ? { html: template, removed: [] } : sanitizeTemplate(template);
  if ("unsafe" in sanitized && sanitized.unsafe)
    return invalid(
      `The journal template \`${profile.template}\` holds scripts or event handlers Casepress cannot remove safely; remove them.`,
    );
  const templateHtml = sanitized.html;
  const loaded: JournalProfile = { ...profile, id, directory, templateHtml, cslXml };
  const templatePath = join(directory, profile.template);
  templateRemovals.set(
    loaded,
    sanitized.removed.map((removal) => ({
      rule: removal.rule,
      message: removal.message,
      file: templatePath,
      place: { line: removal.line, column: removal.column },
    })),
  );
  return loaded;
}
