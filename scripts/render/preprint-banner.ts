/**
 * The preprint banner: "Preprint — not peer reviewed · <version> · <date>". The version is
 * `--version-label`, else `git describe` of the manuscript's repository; the date comes from
 * `SOURCE_DATE_EPOCH` when set, else from the manuscript file's modification time, so the same
 * input gives the same HTML.
 */
import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import { dirname } from "node:path";

/** `git describe --tags --always --dirty` in `directory`, or undefined outside a repository. */
export function gitDescribe(directory: string): string | undefined {
  try {
    const output = execFileSync("git", ["describe", "--tags", "--always", "--dirty"], {
      cwd: directory,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 5000,
    });
    return output.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The date printed on a preprint, as YYYY-MM-DD in UTC. */
export function preprintDate(manuscriptPath: string, env: NodeJS.ProcessEnv = process.env): string {
  const epoch = env.SOURCE_DATE_EPOCH;
  const milliseconds =
    epoch && /^\d+$/.test(epoch) ? Number(epoch) * 1000 : statSync(manuscriptPath).mtimeMs;
  return new Date(milliseconds).toISOString().slice(0, 10);
}

/** The banner text for a manuscript. */
export function preprintBanner(manuscriptPath: string, versionLabel?: string): string {
  const version = versionLabel ?? gitDescribe(dirname(manuscriptPath));
  return ["Preprint — not peer reviewed", version, preprintDate(manuscriptPath)]
    .filter(Boolean)
    .join(" · ");
}
