import { VFile } from "vfile";
import { describe, expect, it } from "vitest";
import { reportResourceFailure } from "../../scripts/transforms/resource-messages.ts";

const place = { line: 3, column: 1 };
const image = {
  noun: "image",
  missing: "figure-file-missing",
  unreadable: "figure-file-unreadable",
  advice: "Save it again as png.",
} as const;
const csv = {
  noun: "CSV table",
  missing: "table-csv-missing",
  unreadable: "table-csv-malformed",
} as const;

function reported(
  ...args: Parameters<typeof reportResourceFailure> extends [VFile, ...infer Rest] ? Rest : never
) {
  const file = new VFile({ cwd: "/project", path: "/project/input.md" });
  reportResourceFailure(file, ...args);
  return file.messages.map((message) => ({
    rule: message.ruleId,
    at: `${message.file}:${message.line}:${message.column}`,
    reason: message.reason,
  }));
}

describe("reportResourceFailure", () => {
  it("words each failure the same way for every kind of file", () => {
    const outside = { status: "outside", absolutePath: "/etc/x" } as const;
    expect(reported(outside, image, "../x.png", place)[0]?.reason).toBe(
      "Unexpected image path `../x.png` outside the manuscript's root, expected a file inside the project; move or copy it there.",
    );
    expect(reported(outside, csv, "../x.csv", place)[0]?.reason).toBe(
      "Unexpected CSV table path `../x.csv` outside the manuscript's root, expected a file inside the project; move or copy it there.",
    );
    const missing = { status: "missing", absolutePath: "/project/t/x.csv" } as const;
    expect(reported(missing, csv, "t/x.csv", place)).toEqual([
      {
        rule: "table-csv-missing",
        at: "/project/input.md:3:1",
        reason:
          "Missing CSV table `t/x.csv`: no file at t/x.csv, relative to the manuscript. Check the name and folder.",
      },
    ]);
  });

  it("reports a parse error with a line inside the file, other failures at the reference", () => {
    const malformed = {
      status: "malformed",
      absolutePath: "/project/t/x.csv",
      detail: "Quote not closed",
      line: 4,
      column: 2,
    } as const;
    expect(reported(malformed, csv, "t/x.csv", place)[0]?.at).toBe("t/x.csv:4:2");
    const unreadable = {
      status: "unreadable",
      absolutePath: "/project/a.png",
      detail: "permission denied",
    } as const;
    expect(reported(unreadable, image, "a.png", place)[0]).toEqual({
      rule: "figure-file-unreadable",
      at: "/project/input.md:3:1",
      reason: "Cannot read image `a.png`: permission denied. Save it again as png.",
    });
  });
});
