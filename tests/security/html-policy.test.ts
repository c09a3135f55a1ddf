/**
 * The one raw-HTML policy: the sanitize schemas decide what survives, the raw-HTML transform
 * reports what they drop, and CSV cells go through the same policy, depth guard and URL rules
 * as the body, with positions inside the CSV file.
 */
import { rm } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import {
  rawHtmlSchema,
  sanitizeSchema,
  strippedElements,
  urlProtocols,
} from "../../scripts/render/sanitize-schema.ts";
import { isUrlAllowed, judgeElement } from "../../scripts/transforms/remark-raw-html.ts";
import { defaultMaxCsvRows } from "../../scripts/transforms/remark-tables.ts";
import {
  collapseHtml,
  compileMarkdown,
  frontMatter,
  messageLines,
  renderHtml,
} from "../helpers.ts";

const directories: string[] = [];

afterEach(async () => {
  await Promise.all(
    directories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })),
  );
});

/** Compile a manuscript whose one table takes its rows from `csv`; keep its temp folder for cleanup. */
async function compileCsv(csv: string) {
  const markdown = `${frontMatter()}\n# Case report\n\nSee @tbl-a.\n\n:::table{#tbl-a src="a.csv"}\nCaption\n:::\n`;
  const compiled = await compileMarkdown(markdown, { files: { "a.csv": csv } });
  directories.push(compiled.directory);
  const policy = messageLines(compiled.file, { withFile: true })
    .filter((line) => /html-raw-removed|url-unsafe|table-csv-too-large|internal/.test(line))
    .map((line) => line.replace(`${compiled.directory}/`, ""));
  return { compiled, policy };
}

describe("the sanitize schema is the one allow-list", () => {
  it("keeps exactly the schema's raw elements, strips its stripped ones, removes the rest", () => {
    for (const name of rawHtmlSchema.tagNames ?? [])
      expect(judgeElement(name, {}).outcome).toBe("kept");
    for (const name of strippedElements) expect(judgeElement(name, {}).outcome).toBe("stripped");
    for (const name of ["span", "div", "a", "img", "td", "b"])
      expect(judgeElement(name, {}).outcome).toBe("removed");
  });

  it("names the attributes the schema drops, as written in HTML", () => {
    expect(judgeElement("sup", { onClick: "alert(1)", className: ["x"], dataNote: "y" })).toEqual({
      outcome: "kept",
      droppedAttributes: ["onclick", "class", "data-note"],
    });
  });

  it("judges URLs by the page schema's protocols", () => {
    expect(urlProtocols.href).toEqual(sanitizeSchema.protocols?.href);
    expect(isUrlAllowed("javascript:alert(1)", "href")).toBe(false);
    expect(isUrlAllowed("data:text/html,x", "src")).toBe(false);
    expect(isUrlAllowed("mailto:a@example.org", "href")).toBe(true);
    expect(isUrlAllowed("mailto:a@example.org", "src")).toBe(false);
    expect(isUrlAllowed("figures/a:b.png", "src")).toBe(true);
    expect(isUrlAllowed("#fig-1", "href")).toBe(true);
  });
});

describe("CSV cells go through the same policy as the body", () => {
  it("keeps <sup> in a cell, removes and reports <script> and <span> at the cell in the CSV", async () => {
    const { compiled, policy } = await compileCsv(
      [
        "Test,Value",
        "Calcium,10<sup>2</sup> mmol",
        "Script,<script>alert(1)</script>ok",
        'Span,"a <span onclick=""x"">b</span>"',
        "",
      ].join("\n"),
    );
    expect(policy).toEqual([
      "a.csv:3:8 warning html-raw-removed",
      "a.csv:4:6 warning html-raw-removed",
    ]);
    const html = collapseHtml(await renderHtml(compiled));
    expect(html).toContain("<td>10<sup>2</sup> mmol</td>");
    expect(html).toContain("<td>ok</td>");
    expect(html).toContain("<td>a b</td>");
    expect(html).not.toContain("alert(1)");
  });

  it("reports a `javascript:` link in a cell as url-unsafe at its column and keeps its text", async () => {
    const { compiled, policy } = await compileCsv(
      "Test,Value\nLink,see [here](javascript:alert(1)) now\n",
    );
    expect(policy).toEqual(["a.csv:2:10 error url-unsafe"]);
    const html = collapseHtml(await renderHtml(compiled));
    expect(html).toContain("<td>see here now</td>");
    expect(html).not.toContain("javascript:");
  });

  it("refuses 10,000 nested emphasis runs in a cell: table-csv-too-large, no stack overflow", async () => {
    const { compiled, policy } = await compileCsv(`Test,Value\nDeep,${"*a ".repeat(10_000)}\n`);
    expect(policy).toEqual(["a.csv:2:606 error table-csv-too-large"]);
    expect(compiled.file.messages.map((message) => message.reason).join("\n")).toContain(
      "expected at most 200",
    );
  });

  it("refuses 10,000 nested links in a cell before parsing them", async () => {
    const cell = `${"[".repeat(10_000)}x${"](u)".repeat(10_000)}`;
    const { policy } = await compileCsv(`Test,Value\nDeep,${cell}\n`);
    expect(policy).toEqual(["a.csv:2:206 error table-csv-too-large"]);
  });

  it("refuses a CSV with more rows than the cap, at the first row past it", async () => {
    const rows = Array.from({ length: defaultMaxCsvRows + 5 }, (_, index) => `r${index},v`);
    const { compiled, policy } = await compileCsv(`Test,Value\n${rows.join("\n")}\n`);
    expect(policy).toEqual([`a.csv:${defaultMaxCsvRows + 1}:1 error table-csv-too-large`]);
    expect(compiled.file.data.floats?.get("tbl-a")).toBeDefined();
  });
});
