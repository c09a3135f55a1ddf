/**
 * Loader for journal folders (`templates/<journal>/`): the profile, the HTML template and the
 * CSL style. Journals are looked up in the manuscript root's `templates/` first, then in
 * Casepress's own. Loaded journals are cached for the process, so a batch reads each once.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isRuleId, rules } from "../diagnostics/rules.ts";
import { didYouMean } from "../diagnostics/suggest.ts";
import { type JournalProfile, journalProfileSchema } from "../schemas/journal-profile.ts";

/** Casepress's own folder: the nearest folder above this module holding its package.json. */
export const casepressDirectory: string = (() => {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(directory, "package.json");
    if (existsSync(manifest) && /"name":\s*"casepress"/.test(readFileSync(manifest, "utf8")))
      return directory;
    const parent = dirname(directory);
    if (parent === directory) return process.cwd();
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

const cache = new Map<string, JournalProfile | JournalProblem>();

/** Load journal `id` for a manuscript under `manuscriptRoot`. */
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
  if (cached) return cached;
  const loaded = readJournal(id, directory);
  cache.set(directory, loaded);
  return loaded;
}

function readJournal(id: string, directory: string): JournalProfile | JournalProblem {
  const profilePath = join(directory, "profile.json");
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(profilePath, "utf8"));
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
      .map((issue) => `\`${issue.path.join(".") || "(root)"}\` ${issue.message}`)
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
  const read = (name: string) => {
    const path = join(directory, name);
    return existsSync(path) ? readFileSync(path, "utf8") : undefined;
  };
  const templateHtml = read(profile.template);
  const cslXml = read(profile.csl);
  if (templateHtml === undefined || cslXml === undefined) {
    const missing = templateHtml === undefined ? profile.template : profile.csl;
    return {
      rule: "journal-profile-invalid",
      file: profilePath,
      message: `The journal profile names \`${missing}\`, which does not exist in \`${directory}\`.`,
    };
  }
  return { ...profile, id, directory, templateHtml, cslXml };
}
