/**
 * The catalogue of bad inputs, run through the real CLI (`main` of scripts/cli.ts, as
 * `casepress build <fixture> --format html --out <tmp>`). Each case must end in diagnostics at
 * positions with the right exit code, never a stack trace; write nothing when it has errors and
 * leave an earlier output untouched; read nothing outside the manuscript's root; and never let
 * manuscript HTML or `javascript:` URLs into the output.
 *
 * Static cases are folders under tests/fixtures/bad-inputs/: input.md plus the files it names,
 * expected-messages.txt as `file:line:column severity rule`, and optionally expected.html with
 * fragments (one a line) the page must contain. The big or binary cases are made here at run
 * time. `UPDATE_EXPECTED=1` rewrites the expected messages from the actual output.
 *
 * `issue12Cases` lists every case of the red-team run with its rule, exit code and test; FIFOs
 * are made at run time (git cannot hold them). Every temporary file lives in one folder that is
 * removed when the tests end.
 */
import { execFileSync } from "node:child_process";
import {
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { VFile } from "vfile";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { main } from "../../scripts/cli/main.ts";
import { maxManuscriptBytes } from "../../scripts/loaders/load-manuscript.ts";
import { maxFootnoteLabels, maxParagraphConstructs } from "../../scripts/parse/nesting-depth.ts";
import { manuscriptParser } from "../../scripts/parse/parse-manuscript.ts";
import { sanitizeRawHtml, urlScheme } from "../../scripts/transforms/remark-raw-html.ts";
import { activeContent } from "../helpers.ts";

const fixtures = join(import.meta.dirname, "..", "fixtures", "bad-inputs");
const base = join(fixtures, "bom");
const previousHtml = "<!doctype html><p>previous build</p>\n";

/** What one CLI run printed and returned. */
interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Diagnostics as `file:line:column severity rule`, file relative to the manuscript's folder. */
  messages: string[];
}

let output: { stdout: string[]; stderr: string[] };

beforeEach(() => {
  output = { stdout: [], stderr: [] };
  // Capture the CLI's output; it writes through process.stdout/stderr.write only.
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    output.stdout.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    output.stderr.push(String(chunk));
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** One folder for every temporary file of this test file, removed when its tests end. */
const temporaryRoot = await mkdtemp(join(tmpdir(), "casepress-bad-inputs-"));

afterAll(async () => {
  await rm(temporaryRoot, { recursive: true, force: true });
});

/** A fresh folder inside `temporaryRoot`. */
function tempFolder(prefix: string): Promise<string> {
  return mkdtemp(join(temporaryRoot, prefix));
}

/** Run `casepress build` on `input` with its folder as root; parse the diagnostics printed. */
async function build(input: string, outDir: string, root = dirname(input)): Promise<CliRun> {
  return runCli(
    ["build", input, "--root", root, "--format", "html", "--out", outDir],
    dirname(input),
  );
}

/** Run the CLI with `args`; diagnostics' files are shown relative to `folder`. */
async function runCli(args: string[], folder: string): Promise<CliRun> {
  const code = await main(args);
  const stdout = output.stdout.join("");
  const stderr = output.stderr.join("");
  const messages: string[] = [];
  for (const line of `${stdout}\n${stderr}`.split("\n")) {
    const match = /^\s+(.+?):(\d+):(\d+)\s+(error|warning|info)\s+.*\s([a-z0-9-]+)$/.exec(line);
    if (!match) continue;
    const [, path = "", row, column, severity, rule] = match;
    const file = relative(folder, resolve(process.cwd(), path));
    messages.push(`${file}:${row}:${column} ${severity} ${rule}`);
  }
  return { code, stdout, stderr, messages: messages.sort() };
}

/** An output folder holding an earlier build's HTML. */
async function outputWithPreviousBuild(): Promise<string> {
  const outDir = await tempFolder("casepress-bad-out-");
  await writeFile(join(outDir, "input.html"), previousHtml);
  return outDir;
}

/** Every file below `directory`, relative. */
async function listFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(directory, join(entry.parentPath, entry.name)))
    .sort();
}

/** The checks every case shares: no stack trace, exit code, outputs, no manuscript scripts. */
async function expectWellBehaved(run: CliRun, outDir: string): Promise<void> {
  expect(run.stderr).not.toMatch(/^\s+at .+[:(]\d+:\d+\)?$/m);
  expect(run.stderr).not.toContain("internal error");
  expect(run.messages.join("\n")).not.toContain("internal-error");
  const errors = run.messages.some((message) => message.includes(" error "));
  expect(run.code).toBe(errors ? 1 : 0);
  const files = await listFiles(outDir);
  expect(files.filter((file) => file.endsWith(".tmp"))).toEqual([]);
  const html = await readFile(join(outDir, "input.html"), "utf8");
  if (errors) {
    // Nothing written, the earlier build untouched.
    expect(files).toEqual(["input.html"]);
    expect(html).toBe(previousHtml);
    return;
  }
  expect(html).not.toBe(previousHtml);
  expectNoActiveContent(html);
}

/**
 * No script, frame, object, event handler or `javascript:` URL from the manuscript, judged on
 * the parsed page (text inside attributes is inert). The template's own `<style>` in the head
 * is the only style element.
 */
function expectNoActiveContent(html: string): void {
  expect(activeContent(html)).toEqual([]);
  const styles = html.match(/<style[\s>]/gi) ?? [];
  expect(styles).toHaveLength(1);
  expect(html.indexOf("<style")).toBeLessThan(html.indexOf("<body"));
}

async function expectedMessages(directory: string, actual: string[]): Promise<string[]> {
  const path = join(directory, "expected-messages.txt");
  if (process.env.UPDATE_EXPECTED)
    await writeFile(path, actual.map((line) => `${line}\n`).join(""));
  const text = await readFile(path, "utf8");
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .sort();
}

const staticCases = await readdir(fixtures, { withFileTypes: true });

describe("the bad-input catalogue, through `casepress build`", () => {
  for (const entry of staticCases.filter((item) => item.isDirectory())) {
    it(entry.name, async () => {
      const directory = join(fixtures, entry.name);
      const outDir = await outputWithPreviousBuild();
      const run = await build(join(directory, "input.md"), outDir);
      expect(run.messages).toEqual(await expectedMessages(directory, run.messages));
      await expectWellBehaved(run, outDir);
      // expected.html: fragments (one a line) the page must contain.
      const fragments = await readFile(join(directory, "expected.html"), "utf8").catch(() => "");
      const html = await readFile(join(outDir, "input.html"), "utf8");
      for (const fragment of fragments.split("\n").filter(Boolean))
        expect(html).toContain(fragment);
    });
  }
});

/** A copy of the clean base case (the BOM fixture without its BOM) in a fresh folder. */
async function baseCopy(): Promise<{ directory: string; input: string; markdown: string }> {
  const directory = await tempFolder("casepress-bad-");
  await mkdir(join(directory, "images"));
  await copyFile(join(base, "references.json"), join(directory, "references.json"));
  await copyFile(join(base, "images", "good.png"), join(directory, "images", "good.png"));
  const markdown = (await readFile(join(base, "input.md"), "utf8")).replace(/^\uFEFF/, "");
  return { directory, input: join(directory, "input.md"), markdown };
}

/** The line number (1-based) of the first line of `text` containing `needle`. */
function lineOf(text: string, needle: string): number {
  return text.slice(0, text.indexOf(needle)).split("\n").length;
}

describe("bad inputs made at run time", () => {
  it("a binary file: manuscript-encoding at the first NUL byte", async () => {
    const { directory, input } = await baseCopy();
    await copyFile(join(directory, "images", "good.png"), input);
    const png = await readFile(input);
    const nul = png.indexOf(0);
    const line = png.subarray(0, nul).filter((byte) => byte === 0x0a).length + 1;
    const column = nul - png.subarray(0, nul).lastIndexOf(0x0a);
    const outDir = await outputWithPreviousBuild();
    const run = await build(input, outDir);
    expect(run.messages).toEqual([`input.md:${line}:${column} error manuscript-encoding`]);
    await expectWellBehaved(run, outDir);
  });

  it("a corrupt image: figure-file-unreadable at the image", async () => {
    const { directory, input, markdown } = await baseCopy();
    const png = await readFile(join(directory, "images", "good.png"));
    await writeFile(join(directory, "images", "good.png"), png.subarray(0, 120));
    await writeFile(input, markdown);
    const outDir = await outputWithPreviousBuild();
    const run = await build(input, outDir);
    const line = lineOf(markdown, "](images/good.png)");
    expect(run.messages).toEqual([`input.md:${line}:1 error figure-file-unreadable`]);
    await expectWellBehaved(run, outDir);
  });

  it("a 1 MB single line: diagnostics (the word limit), no crash", async () => {
    const { input, markdown } = await baseCopy();
    const long = "The ulcer healed slowly over many months of care. ".repeat(21_000);
    expect(long.length).toBeGreaterThan(1_000_000);
    // The word limit is JAAD Case Reports'; the default journal has none.
    const jaad = markdown.replace("\n---\n", "\njournal: jaad-case-reports\n---\n");
    await writeFile(input, jaad.replace("The ulcer healed.", long));
    const outDir = await outputWithPreviousBuild();
    const run = await build(input, outDir);
    expect(run.messages.map((message) => message.split(" ").slice(1).join(" "))).toEqual([
      "error journal-limit-exceeded",
    ]);
    await expectWellBehaved(run, outDir);
  });

  it("a 1 MB line dense with links and emphasis: manuscript-too-large, not minutes of parsing", async () => {
    const { input, markdown } = await baseCopy();
    // Four constructs a repeat: two `[` and two `**` runs.
    const repeat = "[@reiter2011] [a](b) **c** ";
    const dense = repeat.repeat(40_000);
    expect(dense.length).toBeGreaterThan(1_000_000);
    await writeFile(input, markdown.replace("The ulcer healed.", dense));
    const outDir = await outputWithPreviousBuild();
    const run = await build(input, outDir);
    const line = lineOf(markdown, "The ulcer healed.");
    expect(run.messages).toEqual([
      `input.md:${line}:${(maxParagraphConstructs / 4) * repeat.length + 1} error manuscript-too-large`,
    ]);
    expect(run.stderr).toContain("split it into paragraphs");
    await expectWellBehaved(run, outDir);
  });

  /** Name, the deep text, and the column where nesting passes 200 (0: somewhere). */
  const nestings: [string, (n: number) => string, number][] = [
    ["10,000 nested list levels", (n) => `${"- ".repeat(n)}deep`, 401],
    [
      "10,000 indented list levels",
      (n) => Array.from({ length: n }, (_, i) => `${"  ".repeat(i % 2000)}- item`).join("\n"),
      0,
    ],
    ["10,000 nested block quotes", (n) => `${">".repeat(n)} deep`, 201],
    ["10,000 nested emphasis runs", (n) => `${"*".repeat(n)}deep${"*".repeat(n)}`, 201],
    ["10,000 nested links", (n) => `${"[a ".repeat(n)}deep${"](u)".repeat(n)}`, 601],
  ];
  for (const [name, make, column] of nestings) {
    it(`${name}: manuscript-too-large at the position, no stack overflow`, async () => {
      const { input, markdown } = await baseCopy();
      const deep = make(10_000);
      await writeFile(input, markdown.replace("The ulcer healed.", deep));
      const outDir = await outputWithPreviousBuild();
      const run = await build(input, outDir);
      expect(run.messages).toHaveLength(1);
      const line = lineOf(markdown, "The ulcer healed.");
      if (column) {
        expect(run.messages[0]).toBe(`input.md:${line}:${column} error manuscript-too-large`);
      } else {
        expect(run.messages[0]).toMatch(/^input\.md:\d+:\d+ error manuscript-too-large$/);
      }
      expect(run.stderr).toMatch(/expected at most 200/);
      await expectWellBehaved(run, outDir);
    });
  }

  it("10,000 nested raw HTML elements: removed whole with html-raw-removed, no stack overflow", async () => {
    const { input, markdown } = await baseCopy();
    await writeFile(
      input,
      markdown.replace("The ulcer healed.", `The ulcer healed.\n\n${"<dl>".repeat(10_000)}`),
    );
    const outDir = await outputWithPreviousBuild();
    const run = await build(input, outDir);
    const line = lineOf(markdown, "The ulcer healed.") + 2;
    expect(run.messages).toEqual([`input.md:${line}:1 warning html-raw-removed`]);
    await expectWellBehaved(run, outDir);
  });

  it("nesting spread over lines is caught in the tree: manuscript-too-large", async () => {
    const { input, markdown } = await baseCopy();
    const lines = [
      ...Array.from({ length: 300 }, () => "*a"),
      ...Array.from({ length: 300 }, () => "b*"),
    ];
    await writeFile(input, markdown.replace("The ulcer healed.", lines.join("\n")));
    const outDir = await outputWithPreviousBuild();
    const run = await build(input, outDir);
    expect(run.messages).toHaveLength(1);
    expect(run.messages[0]).toMatch(/^input\.md:\d+:\d+ error manuscript-too-large$/);
    await expectWellBehaved(run, outDir);
  });

  it("a 10 MB manuscript: diagnostics (the word limit), in linear time", async () => {
    const { input, markdown } = await baseCopy();
    const paragraph =
      "Her blood counts showed pancytopenia: white blood cells 600 per mm³ and platelets 39,000 per mm³.\n\n";
    const body = paragraph.repeat(Math.ceil((10 * 1024 * 1024) / paragraph.length));
    // The word limit is JAAD Case Reports'; the default journal has none.
    const jaad = markdown.replace("\n---\n", "\njournal: jaad-case-reports\n---\n");
    await writeFile(input, jaad.replace("The ulcer healed.", `The ulcer healed.\n\n${body}`));
    const outDir = await outputWithPreviousBuild();
    const run = await build(input, outDir);
    expect(run.messages.map((message) => message.split(" ").slice(1).join(" "))).toEqual([
      "error journal-limit-exceeded",
    ]);
    await expectWellBehaved(run, outDir);
  }, 300_000);

  it("a manuscript over the size limit: manuscript-too-large at 1:1, not read", async () => {
    const { input } = await baseCopy();
    await writeFile(input, Buffer.alloc(maxManuscriptBytes + 1, "a"));
    const outDir = await outputWithPreviousBuild();
    const run = await build(input, outDir);
    expect(run.messages).toEqual(["input.md:1:1 error manuscript-too-large"]);
    await expectWellBehaved(run, outDir);
  });
});

describe("quadratic parser costs, refused before parsing", () => {
  it("19,900 `[a]` in one paragraph: manuscript-too-large at the first bracket past the cap", async () => {
    const { input, markdown } = await baseCopy();
    await writeFile(input, markdown.replace("The ulcer healed.", "[a] ".repeat(19_900)));
    const outDir = await outputWithPreviousBuild();
    const run = await build(input, outDir);
    const line = lineOf(markdown, "The ulcer healed.");
    // The base paragraph has no constructs of its own on that line.
    expect(run.messages).toEqual([
      `input.md:${line}:${maxParagraphConstructs * 4 + 1} error manuscript-too-large`,
    ]);
    expect(run.stderr).toContain("split it into paragraphs");
    await expectWellBehaved(run, outDir);
  });

  it("16,000 footnotes: manuscript-too-large at the first label past the cap", async () => {
    const { input, markdown } = await baseCopy();
    const calls = Array.from({ length: 16_000 }, (_, index) => `Note[^n${index}].`).join("\n\n");
    const notes = Array.from({ length: 16_000 }, (_, index) => `[^n${index}]: Text ${index}.`);
    await writeFile(
      input,
      markdown.replace("The ulcer healed.", `${calls}\n\n${notes.join("\n")}`),
    );
    const outDir = await outputWithPreviousBuild();
    const run = await build(input, outDir);
    // Label 2,001 is call 2,001, two lines after call 2,000.
    const line = lineOf(markdown, "The ulcer healed.") + 2 * maxFootnoteLabels;
    expect(run.messages).toEqual([`input.md:${line}:5 error manuscript-too-large`]);
    expect(run.stderr).toContain(`expected at most ${maxFootnoteLabels}`);
    await expectWellBehaved(run, outDir);
  });
});

describe("FIFOs and devices are refused unread, never waited on", () => {
  // Opening a FIFO for reading blocks until a writer comes: a hang would time the test out.
  const fifoIn = async (directory: string, name: string) => {
    execFileSync("mkfifo", [join(directory, name)]);
  };

  it("a FIFO figure: figure-file-unreadable at the image (exit 1)", async () => {
    const { directory, input, markdown } = await baseCopy();
    await fifoIn(directory, "images/pipe.png");
    await writeFile(input, markdown.replace("](images/good.png)", "](images/pipe.png)"));
    const outDir = await outputWithPreviousBuild();
    const run = await build(input, outDir);
    const line = lineOf(markdown, "](images/good.png)");
    expect(run.messages).toEqual([`input.md:${line}:1 error figure-file-unreadable`]);
    expect(run.stderr).toContain("FIFO");
    await expectWellBehaved(run, outDir);
  });

  it("a FIFO CSV table: table-csv-malformed at the table (exit 1)", async () => {
    const { directory, input, markdown } = await baseCopy();
    await fifoIn(directory, "labs.csv");
    const table = markdown.slice(markdown.indexOf(":::table"), markdown.indexOf("# Discussion"));
    await writeFile(
      input,
      markdown.replace(table, ':::table{#tbl-labs src="labs.csv"}\nLabs\n:::\n\n'),
    );
    const outDir = await outputWithPreviousBuild();
    const run = await build(input, outDir);
    expect(run.messages).toEqual([
      `input.md:${lineOf(markdown, ":::table")}:1 error table-csv-malformed`,
    ]);
    expect(run.stderr).toContain("FIFO");
    await expectWellBehaved(run, outDir);
  });

  it("a FIFO bibliography: bibliography-malformed at the key (exit 1)", async () => {
    const { directory, input, markdown } = await baseCopy();
    await fifoIn(directory, "refs.json");
    await writeFile(
      input,
      markdown.replace("bibliography: references.json", "bibliography: refs.json"),
    );
    const outDir = await outputWithPreviousBuild();
    const run = await build(input, outDir);
    expect(run.messages).toContain(
      `input.md:${lineOf(markdown, "bibliography:")}:15 error bibliography-malformed`,
    );
    expect(run.stderr).toContain("FIFO");
    await expectWellBehaved(run, outDir);
  });

  it("/dev/zero as the manuscript: manuscript-unreadable at 1:1 (exit 1), no endless read", async () => {
    const outDir = await outputWithPreviousBuild();
    const run = await main(["build", "/dev/zero", "--format", "html", "--out", outDir]).then(
      (code) => ({ code, stderr: output.stderr.join("") }),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/dev\/zero:1:1\s+error\s+.*device.*manuscript-unreadable/);
    expect(await listFiles(outDir)).toEqual(["input.html"]);
  });

  it("a FIFO bibliography in a `check` batch: its error, and the other manuscripts checked", async () => {
    const first = await baseCopy();
    const second = await baseCopy();
    await fifoIn(second.directory, "refs.json");
    await writeFile(
      second.input,
      second.markdown.replace("bibliography: references.json", "bibliography: refs.json"),
    );
    const third = await baseCopy();
    await writeFile(first.input, first.markdown);
    await writeFile(third.input, third.markdown.replace("The ulcer healed.", "See [@nobody]."));
    const root = dirname(first.directory);
    const run = await runCli(
      ["check", first.input, second.input, third.input, "--root", root],
      root,
    );
    const name = (folder: string) => relative(root, join(folder, "input.md"));
    const bibliographyLine = lineOf(first.markdown, "bibliography:");
    expect(run.messages).toContain(
      `${name(second.directory)}:${bibliographyLine}:15 error bibliography-malformed`,
    );
    expect(run.messages).toContain(
      `${name(third.directory)}:${lineOf(first.markdown, "The ulcer healed.")}:5 error citation-key-unknown`,
    );
    expect(run.messages.filter((message) => message.startsWith(name(first.directory)))).toEqual([]);
    expect(run.stdout + run.stderr).toContain("3 manuscripts checked");
    expect(run.code).toBe(1);
  });
});

describe("hostile command lines and environments: usage errors, exit 2", () => {
  it.each([
    [
      "--shard 99999999999999999999/…",
      ["--shard", "99999999999999999999/99999999999999999999"],
      /--shard/,
    ],
    ['--format ""', ["--format", ""], /report format ``/],
    ["--root /nonexistent", ["--root", "/nonexistent-casepress-root"], /Invalid --root/],
  ])("check %s", async (_, args, advice) => {
    const { input } = await baseCopy();
    const run = await runCli(["check", input, ...args], dirname(input));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(advice);
    expect(run.stderr).not.toContain("internal error");
  });

  it("SOURCE_DATE_EPOCH=99999999999999999: source-date-epoch-invalid with advice, exit 2", async () => {
    const { input, markdown } = await baseCopy();
    await writeFile(
      input,
      markdown.replace("title: A test case", "title: A test case\njournal: preprint"),
    );
    vi.stubEnv("SOURCE_DATE_EPOCH", "99999999999999999");
    const outDir = await outputWithPreviousBuild();
    const run = await build(input, outDir);
    expect(run.stderr).toContain("source-date-epoch-invalid");
    expect(run.stderr).toContain("fix or unset it");
    expect(run.stderr).not.toContain("internal error");
    expect(run.code).toBe(2);
  });
});

describe("nothing is read outside the manuscript's root", () => {
  // A FIFO blocks whoever opens it for reading until a writer comes: if Casepress opened one,
  // the build would hang and the test time out.
  const makeFifo = (path: string) => execFileSync("mkfifo", [path]);

  it("an image path that climbs out of the root (`../`) to a FIFO is refused unread", async () => {
    const { directory, input, markdown } = await baseCopy();
    const secret = join(
      dirname(directory),
      `${relative(dirname(directory), directory)}-secret.png`,
    );
    makeFifo(secret);
    const outside = `../${relative(dirname(directory), directory)}-secret.png`;
    await writeFile(input, markdown.replace("](images/good.png)", `](${outside})`));
    const outDir = await outputWithPreviousBuild();
    const run = await build(input, outDir);
    const line = lineOf(markdown, "](images/good.png)");
    expect(run.messages).toEqual([`input.md:${line}:1 error path-outside-root`]);
    await expectWellBehaved(run, outDir);
  });

  it("a symbolic link inside the root to a FIFO outside it is refused unread", async () => {
    const { directory, input, markdown } = await baseCopy();
    const fifo = join(await tempFolder("casepress-outside-"), "secret.png");
    makeFifo(fifo);
    await symlink(fifo, join(directory, "images", "linked.png"));
    await writeFile(input, markdown.replace("](images/good.png)", "](images/linked.png)"));
    const outDir = await outputWithPreviousBuild();
    const run = await build(input, outDir);
    const line = lineOf(markdown, "](images/good.png)");
    expect(run.messages).toEqual([`input.md:${line}:1 error path-outside-root`]);
    await expectWellBehaved(run, outDir);
  });

  it("a bibliography outside the root is refused: path-outside-root", async () => {
    const { input, markdown } = await baseCopy();
    await writeFile(
      input,
      markdown.replace("bibliography: references.json", "bibliography: /etc/passwd"),
    );
    const outDir = await outputWithPreviousBuild();
    const run = await build(input, outDir);
    expect(run.messages).toContain(
      `input.md:${lineOf(markdown, "bibliography:")}:15 error path-outside-root`,
    );
    await expectWellBehaved(run, outDir);
  });
});

/**
 * Every case of the red-team run (issue 12), with the rule it ends in ("—" for a build that
 * must succeed unchanged or a usage error without rule), its exit code, and where it is tested:
 * `fixture:<folder>` under tests/fixtures/bad-inputs/, or `<test file>: <test name>`. The test
 * below keeps the list honest: each fixture exists and expects its rule, each test file holds
 * the test and names the rule.
 */
const issue12Cases: [what: string, rule: string, exit: number, where: string][] = [
  [
    "core.fsmonitor runs a hook via git describe",
    "—",
    0,
    "tests/security/hostile-environment.test.ts: core.fsmonitor does not run",
  ],
  [
    "a form feed in short-title injects CSS",
    "—",
    0,
    "tests/security/hostile-environment.test.ts: a form feed",
  ],
  [
    "a journal font `../../../../etc/passwd`",
    "journal-profile-invalid",
    1,
    "tests/security/hostile-journal.test.ts: a font path climbing to /etc/passwd",
  ],
  [
    "a journal stylesheet `../../payload.sh`",
    "journal-profile-invalid",
    1,
    "tests/security/hostile-journal.test.ts: a stylesheet named `../../payload.sh`",
  ],
  [
    "a journal template with <script> or onload",
    "html-raw-removed",
    0,
    "tests/security/hostile-journal.test.ts: a template's scripts and event handlers",
  ],
  ["a PNG saved as fig-2.html", "—", 0, "fixture:image-html-extension"],
  [
    "a reference-style image out of the root",
    "path-outside-root",
    1,
    "fixture:image-reference-outside",
  ],
  ["a reference-style remote image", "path-remote", 1, "fixture:image-reference-remote"],
  ["a FIFO figure", "figure-file-unreadable", 1, "tests/cli/bad-inputs.test.ts: a FIFO figure"],
  ["a FIFO CSV table", "table-csv-malformed", 1, "tests/cli/bad-inputs.test.ts: a FIFO CSV table"],
  [
    "a FIFO bibliography",
    "bibliography-malformed",
    1,
    "tests/cli/bad-inputs.test.ts: a FIFO bibliography: ",
  ],
  [
    "/dev/zero as the manuscript",
    "manuscript-unreadable",
    1,
    "tests/cli/bad-inputs.test.ts: /dev/zero as the manuscript",
  ],
  [
    "a FIFO bibliography in a check batch",
    "bibliography-malformed",
    1,
    "tests/cli/bad-inputs.test.ts: a FIFO bibliography in a `check` batch",
  ],
  ["10,000 nested `*` in a CSV cell", "table-csv-too-large", 1, "fixture:table-csv-deep-nesting"],
  [
    "10,000 nested links in a CSV cell",
    "table-csv-too-large",
    1,
    "tests/security/html-policy.test.ts: refuses 10,000 nested links in a cell",
  ],
  ["raw HTML in a CSV cell", "html-raw-removed", 0, "fixture:table-csv-html"],
  ["a `javascript:` link in a CSV cell", "url-unsafe", 1, "fixture:table-csv-javascript-link"],
  ["80,000 CSV rows", "table-csv-too-large", 1, "fixture:table-csv-too-many-rows"],
  ["a BibTeX @string bomb", "bibliography-expansion-limit", 1, "fixture:bibliography-string-bomb"],
  ["16,000 footnotes", "manuscript-too-large", 1, "tests/cli/bad-inputs.test.ts: 16,000 footnotes"],
  [
    "64k table rows holding an abbreviation",
    "—",
    0,
    "tests/transforms/abbreviations/abbreviation-scale.test.ts: table rows",
  ],
  [
    "`[@` and 256k letters",
    "—",
    0,
    "tests/transforms/remark-citation-syntax.test.ts: `[@` followed by n letters",
  ],
  [
    "19,900 `[a]` in one paragraph",
    "manuscript-too-large",
    1,
    "tests/cli/bad-inputs.test.ts: 19,900 `[a]` in one paragraph",
  ],
  [
    "SIGKILL mid-build mixes outputs",
    "—",
    0,
    "tests/publish/publish-together.test.ts: SIGKILL at random moments",
  ],
  [
    "case-report.html is a folder",
    "—",
    0,
    "tests/publish/publish-together.test.ts: a build into a folder named case-report.html",
  ],
  [
    "Chromium profile folders left behind",
    "—",
    0,
    "tests/pdf/pdf-printer.test.ts: browser profile folders are removed",
  ],
  [
    "a PDF print time-out",
    "pdf-timeout",
    2,
    "tests/pdf/pdf-printer.test.ts: a time-out is pdf-timeout",
  ],
  [
    "PUPPETEER_EXECUTABLE_PATH=/bin/false",
    "pdf-browser-unavailable",
    2,
    "tests/security/hostile-environment.test.ts: a browser that does not start",
  ],
  [
    "SOURCE_DATE_EPOCH=99999999999999999",
    "source-date-epoch-invalid",
    2,
    "tests/cli/bad-inputs.test.ts: SOURCE_DATE_EPOCH=99999999999999999",
  ],
  [
    "a year-10000 epoch",
    "source-date-epoch-invalid",
    2,
    "tests/security/hostile-environment.test.ts: only whole seconds up to 9999-12-31",
  ],
  [
    "Chromium looks up Google hosts",
    "—",
    0,
    "tests/pdf/network-isolation.test.ts: makes no DNS query and no connection",
  ],
  ["a TIFF figure", "figure-format-unsupported", 1, "fixture:image-tiff"],
  ["a 50,000 × 50,000 PNG header", "figure-file-unreadable", 1, "fixture:image-too-many-pixels"],
  ["corrupt PNG pixel data", "figure-file-unreadable", 1, "fixture:image-png-crc-broken"],
  [
    "a subfolder name with a newline; links out of the root",
    "—",
    0,
    "tests/cli/check.test.ts: whose name holds a newline",
  ],
  [
    "stdout is /dev/full",
    "—",
    2,
    "tests/security/hostile-environment.test.ts: a full standard output is one clean line",
  ],
  [
    "non-string YAML keys (`1:`, `true:`)",
    "front-matter-unknown-key",
    0,
    "fixture:front-matter-non-string-keys",
  ],
  [
    "--shard 99999999999999999999/…",
    "—",
    2,
    "tests/cli/bad-inputs.test.ts: --shard 99999999999999999999/…",
  ],
  ['--format ""', "—", 2, 'tests/cli/bad-inputs.test.ts: --format ""'],
  ["--root /nonexistent", "—", 2, "tests/cli/bad-inputs.test.ts: --root /nonexistent"],
  [
    "images read whole for their header",
    "—",
    0,
    "tests/loaders/image-header.test.ts: rejects truncated files",
  ],
  [
    "pdf-request-blocked at 1:1",
    "pdf-request-blocked",
    0,
    "tests/pdf/pdf-printer.test.ts: pdf-request-blocked",
  ],
];

describe("the catalogue lists every case of the red-team run", () => {
  it.each(issue12Cases)("%s: %s, exit %i", async (_, rule, exit, where) => {
    expect([0, 1, 2]).toContain(exit);
    if (where.startsWith("fixture:")) {
      const folder = join(fixtures, where.slice("fixture:".length));
      const expected = await readFile(join(folder, "expected-messages.txt"), "utf8");
      if (rule === "—") expect(expected.trim()).toBe("");
      else expect(expected).toContain(` ${rule}\n`);
      // A fixture's exit code follows from its messages.
      expect(/ error /.test(expected) ? 1 : 0).toBe(exit);
      return;
    }
    const [path = "", name = ""] = where.split(/: (.*)/s);
    const source = await readFile(join(import.meta.dirname, "..", "..", path), "utf8");
    expect(source).toContain(name.replace(/: $/, ""));
    if (rule !== "—") expect(source).toContain(rule);
  });
});

describe("remarkRawHtml", () => {
  it("reads URL schemes as a browser does", () => {
    expect(urlScheme("javascript:alert(1)")).toBe("javascript");
    expect(urlScheme(" JaVa\tScRiPt:alert(1)")).toBe("javascript");
    expect(urlScheme("java\nscript:x")).toBe("javascript");
    expect(urlScheme("https://example.org")).toBe("https");
    expect(urlScheme("figures/a:b.png")).toBeUndefined();
    expect(urlScheme("#fig-1")).toBeUndefined();
    expect(urlScheme("../x.png")).toBeUndefined();
  });

  it("is idempotent: a second run changes nothing and reports nothing", () => {
    const markdown = [
      "A<sup>2</sup> <span>b</span> <script>x</script> [c](javascript:d) <!-- e -->",
      "",
      "<div>f <b>g</b></div>",
      "",
    ].join("\n");
    const file = new VFile({ value: markdown });
    const tree = manuscriptParser.parse(file);
    sanitizeRawHtml(tree, file);
    const once = JSON.stringify(tree);
    const reported = file.messages.length;
    expect(reported).toBe(5);
    sanitizeRawHtml(tree, file);
    expect(JSON.stringify(tree)).toBe(once);
    expect(file.messages).toHaveLength(reported);
  });
});
