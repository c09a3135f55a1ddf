/**
 * The preprint banner: "Preprint — not peer reviewed · <version> · <date>".
 *
 * The version comes from `--version-label`, else the `CASEPRESS_VERSION_LABEL` environment
 * variable, else the first 12 characters of `GITHUB_SHA` (set by GitHub Actions); without any
 * of them the banner has no version. Casepress never runs `git` for it: a repository's own
 * configuration (`core.fsmonitor`, hooks, …) would let the manuscript's repository start
 * processes. The date comes from `SOURCE_DATE_EPOCH` when set, else from the manuscript file's
 * modification time, so the same input gives the same HTML.
 */
import { statSync } from "node:fs";
import type { VFile } from "vfile";
import { isoDate, sourceDateFor } from "./source-date.ts";

/** The version label from the option or the environment; undefined when there is none. */
export function versionLabelFrom(
  option: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (option) return option;
  if (env.CASEPRESS_VERSION_LABEL) return env.CASEPRESS_VERSION_LABEL;
  const sha = env.GITHUB_SHA;
  return sha && /^[0-9a-f]{7,64}$/i.test(sha) ? sha.slice(0, 12) : undefined;
}

/**
 * The date printed on a preprint, as YYYY-MM-DD in UTC. An unusable `SOURCE_DATE_EPOCH` is
 * reported on `file` as `source-date-epoch-invalid` (the file's date is used meanwhile).
 */
export function preprintDate(
  file: VFile,
  manuscriptPath: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const epoch = sourceDateFor(file, env);
  if (epoch.kind === "valid") return isoDate(epoch.seconds * 1000);
  return isoDate(statSync(manuscriptPath).mtimeMs);
}

/** The banner text for a manuscript. */
export function preprintBanner(
  file: VFile,
  manuscriptPath: string,
  versionLabel?: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return [
    "Preprint — not peer reviewed",
    versionLabelFrom(versionLabel, env),
    preprintDate(file, manuscriptPath, env),
  ]
    .filter(Boolean)
    .join(" · ");
}
