import { describe, expect, it } from "vitest";
import { type CslItem, narrativeNames } from "../../scripts/bibliography/bibliography.ts";
import { seedItems } from "./helpers.ts";

describe("narrativeNames", () => {
  const item = (extra: Partial<CslItem>): CslItem => ({
    id: "k",
    type: "article-journal",
    ...extra,
  });
  it("names one, two or three and more authors as AMA does", () => {
    expect(narrativeNames(item({ author: [{ family: "Chatterjee", given: "S." }] }))).toBe(
      "Chatterjee",
    );
    expect(narrativeNames(item({ author: [{ family: "Walsh" }, { family: "Fairley" }] }))).toBe(
      "Walsh and Fairley",
    );
    expect(
      narrativeNames(
        item({ author: [{ family: "Zizic" }, { family: "Marcoux" }, { family: "Hungerford" }] }),
      ),
    ).toBe("Zizic et al");
    expect(
      narrativeNames(item({ author: [{ family: "Gogh", "non-dropping-particle": "van" }] })),
    ).toBe("van Gogh");
  });

  it("falls back to a literal name, the title's first words, then the key", () => {
    expect(narrativeNames(item({ author: [{ literal: "World Health Organization" }] }))).toBe(
      "World Health Organization",
    );
    expect(
      narrativeNames(
        item({ title: "Guidelines for the management of lupus nephritis: 2019 update" }),
      ),
    ).toBe("Guidelines for the management");
    expect(narrativeNames(item({ title: "Lupus: an update" }))).toBe("Lupus");
    expect(narrativeNames(item({}))).toBe("k");
  });

  it("reads the seed's authors", () => {
    expect(seedItems().map(narrativeNames)).toEqual([
      "Reiter et al",
      "Enoch et al",
      "Mandelbrot et al",
      "Abu-Shakra et al",
      "Saini and Saifuddin",
      "Zizic et al",
      "Salesi et al",
      "Fajardo-Hermosillo et al",
      "Perez-Pampin et al",
      "Chatterjee",
      "Walsh and Fairley",
      "Wolf et al",
    ]);
  });
});
