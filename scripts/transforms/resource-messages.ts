/**
 * One translation from a loaded file's failure (`ResourceFailure`: missing, outside the root,
 * remote, unreadable, malformed) to a diagnostic, for every kind of file a manuscript names:
 * images, CSV tables and bibliographies. The figures, tables and citations transforms all call
 * `reportResourceFailure`, so the same failure reads the same way whatever the file.
 */
import type { VFile } from "vfile";
import { type Place, report } from "../diagnostics/diagnostics.ts";
import type { RuleId } from "../diagnostics/rules.ts";
import { displayPath } from "../loaders/load-manuscript.ts";
import type { ResourceFailure } from "../loaders/resources.ts";

/** How one kind of file is named in messages, and the rules its failures go under. */
export interface ResourceKind {
  /** The file's kind in a sentence: `image`, `CSV table`, `bibliography`. */
  noun: string;
  /** The rule for a file that does not exist. */
  missing: RuleId;
  /** The rule for a file that cannot be read or parsed. */
  unreadable: RuleId;
  /** Advice after an unreadable file's reason, e.g. the formats to save it as. */
  advice?: string;
}

/**
 * Report why the file `reference` (as written in the manuscript, at `place`) could not be used.
 * A parse error with a line is reported inside that file; everything else at `place`.
 */
export function reportResourceFailure(
  file: VFile,
  failure: ResourceFailure,
  kind: ResourceKind,
  reference: string,
  place: Place,
): void {
  const { noun } = kind;
  switch (failure.status) {
    case "missing":
      report(
        file,
        kind.missing,
        `Missing ${noun} \`${reference}\`: no file at ${displayPath(failure.absolutePath, file.cwd)}, relative to the manuscript. Check the name and folder.`,
        place,
      );
      return;
    case "outside":
      report(
        file,
        "path-outside-root",
        `Unexpected ${noun} path \`${reference}\` outside the manuscript's root, expected a file inside the project; move or copy it there.`,
        place,
      );
      return;
    case "remote":
      report(
        file,
        "path-remote",
        `Unexpected remote ${noun} \`${reference}\`, expected a local file: nothing is fetched while rendering. Download it next to the manuscript.`,
        place,
      );
      return;
    default: {
      const advice = kind.advice ? ` ${kind.advice}` : "";
      const reason = `Cannot read ${noun} \`${reference}\`: ${failure.detail}.${advice}`;
      if (failure.line === undefined) {
        report(file, kind.unreadable, reason, place);
        return;
      }
      const inside = { line: failure.line, column: failure.column ?? 1 };
      report(file, kind.unreadable, reason, inside, {
        file: displayPath(failure.absolutePath, file.cwd),
      });
    }
  }
}
