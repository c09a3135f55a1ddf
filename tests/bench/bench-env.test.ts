/**
 * The environment variants of `npm run bench` (scripts/bench/bench-env.ts): the environment as
 * it is, and the same without NODE_EXTRA_CA_CERTS, built for the child processes.
 */
import { describe, expect, it } from "vitest";
import { environmentVariants, parseVariantIds } from "../../scripts/bench/bench-env.ts";

describe("environmentVariants", () => {
  const base = { PATH: "/usr/bin", NODE_EXTRA_CA_CERTS: "/etc/ssl/certs/ca.crt", LANG: "C" };

  it("keeps the environment as it is, then drops only NODE_EXTRA_CA_CERTS", () => {
    const { variants, skipped } = environmentVariants(base);
    expect(skipped).toBeUndefined();
    expect(variants.map((variant) => variant.id)).toEqual(["as-is", "no-extra-ca"]);
    expect(variants[0]?.env).toEqual(base);
    expect(variants[1]?.env).toEqual({ PATH: "/usr/bin", LANG: "C" });
    expect(variants[1]?.env).not.toHaveProperty("NODE_EXTRA_CA_CERTS");
    expect(variants[0]?.description).toContain("NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca.crt");
    expect(variants[1]?.label).toBe("NODE_EXTRA_CA_CERTS unset");
  });

  it("never changes the environment it was given", () => {
    const copy = { ...base };
    const { variants } = environmentVariants(copy);
    if (variants[0]) variants[0].env.EXTRA = "1";
    expect(copy).toEqual(base);
  });

  it("leaves out the second variant, saying why, when the variable is not set", () => {
    for (const env of [{ PATH: "/usr/bin" }, { PATH: "/usr/bin", NODE_EXTRA_CA_CERTS: "" }]) {
      const { variants, skipped } = environmentVariants(env);
      expect(variants.map((variant) => variant.id)).toEqual(["as-is"]);
      expect(skipped).toMatch(/NODE_EXTRA_CA_CERTS is not set/);
    }
  });

  it("runs only the variants asked for", () => {
    expect(environmentVariants(base, ["no-extra-ca"]).variants.map((v) => v.id)).toEqual([
      "no-extra-ca",
    ]);
  });
});

describe("parseVariantIds", () => {
  it("defaults to both and reads a comma list", () => {
    expect(parseVariantIds(undefined)).toEqual(["as-is", "no-extra-ca"]);
    expect(parseVariantIds("both")).toEqual(["as-is", "no-extra-ca"]);
    expect(parseVariantIds("no-extra-ca")).toEqual(["no-extra-ca"]);
  });

  it("rejects an unknown variant", () => {
    expect(() => parseVariantIds("as-is,bare")).toThrow(/Unknown --env "bare"/);
  });
});
