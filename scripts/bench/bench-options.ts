/**
 * The command line of `npm run bench`, parsed and checked. Pure: the caller passes argv.
 */
import { parseArgs } from "node:util";
import { parseVariantIds, type VariantId } from "./bench-env.ts";

/** The cases with a goal of issue 18, run by default, in table order. */
export const GOAL_CASES = [
  "html-1x",
  "html-1x-warm",
  "pdf-1x",
  "pdf-batch",
  "warm-rebuild",
  "save-reload",
  "html-10x",
  "html-50x",
  "pdf-memory",
] as const;

/** Cases without a goal, run only when `--only` names them. */
export const EXTRA_CASES = ["check-1x", "check-batch", "html-batch"] as const;

/** Any case id. */
export type CaseId = (typeof GOAL_CASES)[number] | (typeof EXTRA_CASES)[number];

/** The options `npm run bench` takes. */
export interface BenchOptions {
  /** Timed runs per side (after one untimed warm-up each), alternating A B A B. */
  runs: number;
  /** Manuscripts in the batch cases. */
  copies: number;
  /** The cases to run, in table order. */
  cases: CaseId[];
  /** The environment variants to run each case in. */
  variants: VariantId[];
  /** Cores the batch PDF case is pinned to (with `taskset`, when the machine has more). */
  cores: number;
  /** The bare-Chromium peer's executable. */
  peerBrowser: string;
  /** The reference-cache folder to clear for cold runs, when not the default. */
  referenceCache?: string;
  profile: boolean;
  bundle: boolean;
  help: boolean;
}

/** The bare-Chromium peer: full Chromium, as issue 18 measured it. */
export const DEFAULT_PEER_BROWSER = "/usr/bin/chromium";

/** The usage text `--help` prints. */
export const USAGE = `npm run bench -- [options]

  --runs N               timed runs per side, alternating A B A B, after a warm-up (default 7)
  --only a,b,…           run only these cases: ${[...GOAL_CASES, ...EXTRA_CASES].join(", ")}
                         (html-50x brings html-1x and html-10x along, for the linearity row)
  --env as-is,no-extra-ca  the environment variants (default both; "no-extra-ca" drops NODE_EXTRA_CA_CERTS)
  --copies N             manuscripts in the batch cases (default 100)
  --cores N              pin the batch PDF case to N cores with taskset when the machine has more (default 2)
  --peer-browser PATH    the bare-Chromium peer (default ${DEFAULT_PEER_BROWSER})
  --reference-cache DIR  the reference-list cache folder cold runs clear
                         (default node_modules/.cache/casepress/references)
  --no-profile           do not profile the cases that miss their goal
  --no-bundle            do not rebuild the bundle (scripts/dev/bundle.mjs) first
  --help                 print this text`;

function positiveInteger(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`Unexpected --${name} "${text}", expected a whole number ≥ 1.`);
  return value;
}

/** The cases `--only` asks for (all goal cases without it); throws on an unknown id. */
export function selectCases(only: string | undefined): CaseId[] {
  if (only === undefined || only.trim() === "") return [...GOAL_CASES];
  const known: readonly CaseId[] = [...GOAL_CASES, ...EXTRA_CASES];
  const asked = new Set<CaseId>();
  for (const part of only.split(",")) {
    const id = known.find((candidate) => candidate === part.trim());
    if (id === undefined)
      throw new Error(
        `Unknown case "${part.trim()}" in --only, expected some of ${known.join(", ")}.`,
      );
    asked.add(id);
  }
  // The linearity row compares 1×, 10× and 50×.
  if (asked.has("html-50x")) {
    asked.add("html-1x");
    asked.add("html-10x");
  }
  return known.filter((id) => asked.has(id));
}

/** Parse `argv` (without node and the script). */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      runs: { type: "string", default: "7" },
      copies: { type: "string", default: "100" },
      only: { type: "string" },
      env: { type: "string" },
      cores: { type: "string", default: "2" },
      "peer-browser": { type: "string", default: DEFAULT_PEER_BROWSER },
      "reference-cache": { type: "string" },
      "no-profile": { type: "boolean", default: false },
      "no-bundle": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  return {
    runs: positiveInteger("runs", values.runs),
    copies: positiveInteger("copies", values.copies),
    cases: selectCases(values.only),
    variants: parseVariantIds(values.env),
    cores: positiveInteger("cores", values.cores),
    peerBrowser: values["peer-browser"],
    ...(values["reference-cache"] === undefined
      ? {}
      : { referenceCache: values["reference-cache"] }),
    profile: !values["no-profile"],
    bundle: !values["no-bundle"],
    help: values.help,
  };
}
