/**
 * The environments `npm run bench` runs every case in: the environment as it is, and the same
 * environment without `NODE_EXTRA_CA_CERTS` (Node reads and parses that certificate file at every
 * start, before any of Casepress runs, and Casepress opens no TLS connection).
 */

/** The variable the second variant drops. */
export const EXTRA_CA_VARIABLE = "NODE_EXTRA_CA_CERTS";

/** Ids of the variants, as `--env` takes them. */
export const VARIANT_IDS = ["as-is", "no-extra-ca"] as const;

/** One of {@link VARIANT_IDS}. */
export type VariantId = (typeof VARIANT_IDS)[number];

/** An environment the cases run in. */
export interface EnvironmentVariant {
  id: VariantId;
  /** A short name for the table's Env column. */
  label: string;
  /** One sentence for the legend under the table. */
  description: string;
  /** The environment every child process of the case gets (Casepress and its peer alike). */
  env: NodeJS.ProcessEnv;
}

/**
 * The variants to run, from the bench's own environment `base` and the ids asked for. When
 * `NODE_EXTRA_CA_CERTS` is not set, the second variant would repeat the first, so it is left out
 * and `skipped` says why.
 */
export function environmentVariants(
  base: NodeJS.ProcessEnv,
  wanted: readonly VariantId[] = VARIANT_IDS,
): { variants: EnvironmentVariant[]; skipped?: string } {
  const extra = base[EXTRA_CA_VARIABLE];
  const isSet = extra !== undefined && extra !== "";
  const variants: EnvironmentVariant[] = [];
  let skipped: string | undefined;
  if (wanted.includes("as-is")) {
    variants.push({
      id: "as-is",
      label: "as is",
      description: isSet
        ? `the environment as it is, with ${EXTRA_CA_VARIABLE}=${extra}`
        : `the environment as it is (${EXTRA_CA_VARIABLE} is not set)`,
      env: { ...base },
    });
  }
  if (wanted.includes("no-extra-ca")) {
    if (isSet) {
      const { [EXTRA_CA_VARIABLE]: _dropped, ...rest } = base;
      variants.push({
        id: "no-extra-ca",
        label: `${EXTRA_CA_VARIABLE} unset`,
        description: `the same environment without ${EXTRA_CA_VARIABLE}`,
        env: rest,
      });
    } else {
      skipped = `${EXTRA_CA_VARIABLE} is not set, so the "${EXTRA_CA_VARIABLE} unset" runs would repeat the "as is" runs and are left out.`;
    }
  }
  return skipped === undefined ? { variants } : { variants, skipped };
}

/** Parse `--env` (a comma list of {@link VARIANT_IDS}); throws on an unknown id. */
export function parseVariantIds(text: string | undefined): VariantId[] {
  if (text === undefined || text === "" || text === "both") return [...VARIANT_IDS];
  return text.split(",").map((part) => {
    const id = part.trim();
    const known = VARIANT_IDS.find((candidate) => candidate === id);
    if (known === undefined)
      throw new Error(`Unknown --env "${id}", expected ${VARIANT_IDS.join(", ")} or both.`);
    return known;
  });
}
