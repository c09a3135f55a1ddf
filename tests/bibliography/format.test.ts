import path from "node:path";
import { describe, expect, it } from "vitest";
import { type CslItem, createReferenceFormatter } from "../../scripts/bibliography/bibliography.ts";
import { asPrinted, jaad, lines, preprint, read, references, repo, seedItems } from "./helpers.ts";

describe("JAAD style on the reference article", () => {
  it("prints the 12 references as the article does", () => {
    const printed = asPrinted(jaad.format(seedItems()));
    const expected = lines(read(path.join(references, "references-expected.txt")));
    expect(printed).toHaveLength(12);
    for (const [index, line] of printed.entries()) {
      if (index === 2) continue; // Ref 3, below.
      expect(line).toBe(expected[index]);
    }
  });

  it("prints ref 3 with its three known authors and no et al", () => {
    // The data holds only Mandelbrot's first 3 authors; the article had at least 7.
    expect(asPrinted(jaad.format(seedItems()))[2]).toBe(
      "3. Mandelbrot DA, Santos PW, Burt RK. Resolution of SLE-related soft-tissue calcification following haematopoietic stem cell transplantation. *Nephrol Dial Transplant*. 2008;23(8):2679-2684.",
    );
    expect(read(path.join(references, "references-expected.txt"))).toContain(
      "Burt RK, et al. Resolution",
    );
  });

  it("returns bare HTML with <i> italics and no number or wrapping div", () => {
    const [first] = jaad.format(seedItems().slice(0, 1));
    expect(first).toBe(
      "Reiter N, El-Shabrawi L, Leinweber B, Berghold A, Aberer E. Calcinosis cutis: part I. Diagnostic pathway. <i>J Am Acad Dermatol</i>. 2011;65(1):1-12; quiz 3-4.",
    );
  });
});

describe("reference formatter", () => {
  const many = (count: number): CslItem[] =>
    Array.from({ length: count }, (_, index) => ({
      id: `ref${index}`,
      type: "article-journal",
      author: [
        { family: `Author${index}`, given: "A. B." },
        { family: "Second", given: "C." },
        { family: "Third", given: "D." },
      ],
      title: `Finding number ${index}`,
      "container-title-short": "J Am Acad Dermatol",
      volume: String(index % 90),
      issue: "1",
      page: `${index}-${index + 9}`,
      issued: { "date-parts": [[1990 + (index % 30)]] },
    }));

  // Its speed is measured by `npm run bench` (the ×50 manuscript), never in a timed test.
  it("formats 500 references in one pass, in the order given", () => {
    const printed = jaad.format(many(500));
    expect(printed).toHaveLength(500);
    expect(printed[499]).toBe(
      "Author499 AB, Second C, Third D. Finding number 499. <i>J Am Acad Dermatol</i>. 2009;49(1):499-508.",
    );
  });

  it("is cached per style and locale, and keeps the order it is given", () => {
    const again = createReferenceFormatter({
      name: "jaad-case-reports",
      xml: read(path.join(repo, "templates/jaad-case-reports/jaad.csl")),
    });
    expect(again).toBe(jaad);
    const items = seedItems();
    const reversed = [...items].reverse();
    expect(jaad.format(reversed)).toEqual([...jaad.format(items)].reverse());
    expect(jaad.format([])).toEqual([]);
    const [first] = items;
    if (!first) throw new Error("seed is empty");
    expect(jaad.format([first, first])).toHaveLength(2);
  });

  it("does not change the items it formats", () => {
    const items = seedItems();
    const copy = structuredClone(items);
    jaad.format(items);
    expect(items).toEqual(copy);
  });

  it("falls back to en-US for a locale citation-js lacks", () => {
    const formatter = createReferenceFormatter(
      {
        name: "jaad-case-reports",
        xml: read(path.join(repo, "templates/jaad-case-reports/jaad.csl")),
      },
      "xx-XX",
    );
    expect(formatter.locale).toBe("en-US");
  });

  it("prints the preprint style differently from the JAAD style", () => {
    const items = seedItems();
    const jaadLines = jaad.format(items);
    const preprintLines = preprint.format(items);
    expect(preprintLines[0]).toBe(
      "Reiter N, El-Shabrawi L, Leinweber B, Berghold A, Aberer E. Calcinosis cutis: part I. Diagnostic pathway. J Am Acad Dermatol. 2011 Jul;65(1):1-12; quiz 3-4. doi:10.1016/j.jaad.2010.08.038",
    );
    for (const [index, line] of preprintLines.entries()) expect(line).not.toBe(jaadLines[index]);
  });

  it("prints an item with nothing to print as an empty string, not as its number", () => {
    expect(jaad.format([{ id: "only-a-key" }])).toEqual([""]);
  });

  it("keeps CSL-JSON rich text in titles and escapes the rest", () => {
    const [entry] = jaad.format([
      {
        id: "t",
        type: "article-journal",
        title: "<i>Staphylococcus aureus</i> & <script>x</script>",
      },
    ]);
    expect(entry).toBe("<i>Staphylococcus aureus</i> &#38; &#60;script&#62;x&#60;/script&#62;.");
  });

  it("rejects a style that is not CSL", () => {
    expect(() => createReferenceFormatter({ name: "broken", xml: "<html></html>" })).toThrow(
      'The CSL style "broken" has no <bibliography> element',
    );
  });
});
