/** "Did you mean" suggestions for unknown keys, ids and names. */
import { distance } from "fastest-levenshtein";

/**
 * The candidate closest to `value` by edit distance, ignoring case, when it is close enough to
 * be a plausible typo (at most a third of the length, and at least 2 edits allowed).
 */
export function closest(value: string, candidates: Iterable<string>): string | undefined {
  const wanted = value.toLowerCase();
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = distance(wanted, candidate.toLowerCase());
    if (d < bestDistance || (d === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** ` Did you mean \`x\`?` when there is a close candidate, else an empty string. */
export function didYouMean(value: string, candidates: Iterable<string>): string {
  const suggestion = closest(value, candidates);
  return suggestion === undefined ? "" : ` Did you mean \`${suggestion}\`?`;
}
