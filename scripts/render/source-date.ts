/**
 * `SOURCE_DATE_EPOCH` (reproducible-builds.org): the build date, in whole seconds since
 * 1970-01-01 UTC, that dated outputs (the preprint banner, the PDF's dates) use instead of the
 * clock. Read in one place so that HTML and PDF agree on what a valid value is.
 */

import type { VFile } from "vfile";
import { report } from "../diagnostics/diagnostics.ts";

/** The latest date every output can write with a four-digit year: 9999-12-31T23:59:59Z. */
export const LATEST_SOURCE_DATE_EPOCH = 253_402_300_799;

/** The variable's reading: unset, a valid number of seconds, or a value that cannot be used. */
export type SourceDateEpoch =
  | { kind: "unset" }
  | { kind: "valid"; seconds: number }
  | { kind: "invalid"; value: string; advice: string };

/** Read `SOURCE_DATE_EPOCH` from `env`. An empty value counts as unset. */
export function readSourceDateEpoch(env: NodeJS.ProcessEnv = process.env): SourceDateEpoch {
  const value = env.SOURCE_DATE_EPOCH;
  if (value === undefined || value === "") return { kind: "unset" };
  const seconds = /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isSafeInteger(seconds) && seconds <= LATEST_SOURCE_DATE_EPOCH)
    return { kind: "valid", seconds };
  return {
    kind: "invalid",
    value,
    advice: `SOURCE_DATE_EPOCH is \`${value.slice(0, 40)}\`, expected whole seconds since 1970-01-01 UTC from 0 to ${LATEST_SOURCE_DATE_EPOCH} (9999-12-31), e.g. \`$(git log -1 --format=%ct)\`; fix or unset it.`,
  };
}

/** A time in ms since the epoch as YYYY-MM-DD in UTC (years 0000–9999). */
export function isoDate(milliseconds: number): string {
  return new Date(milliseconds).toISOString().slice(0, 10);
}

/**
 * Read `SOURCE_DATE_EPOCH` for the outputs of `file`: an unusable value is reported on `file` as
 * `source-date-epoch-invalid`, once however many outputs ask.
 */
export function sourceDateFor(file: VFile, env: NodeJS.ProcessEnv = process.env): SourceDateEpoch {
  const epoch = readSourceDateEpoch(env);
  if (
    epoch.kind === "invalid" &&
    !file.messages.some((message) => message.ruleId === "source-date-epoch-invalid")
  )
    report(file, "source-date-epoch-invalid", epoch.advice);
  return epoch;
}
