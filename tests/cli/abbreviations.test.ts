/** `casepress abbreviations`: the block the text's definitions imply, and `--write`. */
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  formatBlock,
  impliedAbbreviations,
  runAbbreviationsCommand,
  writeBlock,
} from "../../scripts/cli/abbreviations.ts";
import { compileMarkdown } from "../helpers.ts";

const manuscript = `---
title: A test case # the title
authors:
  - name: Ada Test
    degrees: MD
abbreviations:
  # imaging
  MRI: magnetic resonance imaging # kept with its comment
  CCA: common carotid artery
---

# Case report

Magnetic resonance imaging (MRI) and immunohistochemistry (IHC) were done; the RAST (radioallergosorbent test) was negative. MRI and IHC were repeated.
`;

describe("casepress abbreviations", () => {
  it("lists the text's definitions, sorted, with missing and extra entries", () => {
    const implied = impliedAbbreviations(
      {
        MRI: "magnetic resonance imaging",
        CCA: "common carotid artery",
        VPGL: "vagal paraganglioma",
      },
      new Map([
        ["MRI", "Magnetic resonance imaging"],
        ["IHC", "immunohistochemistry"],
      ]),
      new Set(["MRI", "VPGL"]),
    );
    expect(implied).toEqual({
      entries: [
        ["IHC", "immunohistochemistry"],
        ["MRI", "magnetic resonance imaging"],
        ["VPGL", "vagal paraganglioma"],
      ],
      missing: ["IHC"],
      extra: ["CCA"],
      undefinedInText: ["VPGL"],
    });
    expect(formatBlock(implied.entries)).toBe(
      "abbreviations:\n  IHC: immunohistochemistry\n  MRI: magnetic resonance imaging\n  VPGL: vagal paraganglioma\n",
    );
  });

  it("writes the block into the front matter, keeping comments and the body", () => {
    const updated = writeBlock(manuscript, [
      ["IHC", "immunohistochemistry"],
      ["MRI", "magnetic resonance imaging"],
    ]);
    expect(updated).toContain("title: A test case # the title\n");
    expect(updated).toContain("  MRI: magnetic resonance imaging # kept with its comment\n");
    expect(updated).toContain("  IHC: immunohistochemistry\n");
    expect(updated).not.toContain("CCA");
    expect(updated.indexOf("IHC:")).toBeLessThan(updated.indexOf("MRI:"));
    expect(updated.slice(updated.indexOf("# Case report"))).toBe(
      manuscript.slice(manuscript.indexOf("# Case report")),
    );
  });

  it("prints the block and updates the file with --write", async () => {
    const { directory } = await compileMarkdown(manuscript, { name: "case.md" });
    try {
      const path = join(directory, "case.md");
      const printed = await runAbbreviationsCommand(path);
      expect(printed.code).toBe(0);
      expect(printed.stdout).toBe(
        "abbreviations:\n  IHC: immunohistochemistry\n  MRI: magnetic resonance imaging\n  RAST: radioallergosorbent test\n",
      );
      expect(printed.stderr).toContain(
        "missing from the front matter (defined in the text): IHC, RAST",
      );
      expect(printed.stderr).toContain("extra in the front matter (never used in the text): CCA");

      const written = await runAbbreviationsCommand(path, { write: true });
      expect(written.stderr).toContain("updated");
      const source = await readFile(path, "utf8");
      expect(source).toContain("  # imaging\n");
      expect(source).toContain("  RAST: radioallergosorbent test\n");
      const again = await runAbbreviationsCommand(path, { write: true });
      expect(again.stderr).not.toContain("missing");
      expect(again.stderr).toContain("already up to date");
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
