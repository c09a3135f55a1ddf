/**
 * The bridge from build to the browser: every failure on the way is a diagnostic with a rule id
 * on the manuscript being printed, blocked requests are reported where the manuscript names
 * the URL, and browser profile folders are removed on every path out.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { VFile } from "vfile";
import { afterAll, describe, expect, it } from "vitest";
import { findBrowser } from "../../scripts/pdf/find-browser.ts";
import {
  blockedRequestPlace,
  createPdfPrinter,
  type PdfPrinterOptions,
  startBackgroundPrinter,
} from "../../scripts/pdf/pdf-printer.ts";
import {
  type PdfJob,
  type PdfRenderer,
  type PdfResult,
  PdfTimeoutError,
} from "../../scripts/pdf/render-pdf.ts";
import { repositoryDirectory } from "../helpers.ts";

const temporary: string[] = [];
afterAll(async () => {
  await Promise.all(temporary.map((path) => rm(path, { recursive: true, force: true })));
});

const manuscript = [
  "---",
  "title: T",
  "---",
  "",
  "![A remote figure](http://127.0.0.1:9/x.png)",
  "",
  "![A local one](../secret/y.png)",
  "",
].join("\n");

function manuscriptFile(): VFile {
  const file = new VFile({ path: "/project/manuscript/case-report.md", value: manuscript });
  file.data.manuscript = {
    absolutePath: "/project/manuscript/case-report.md",
    directory: "/project/manuscript",
    root: "/project",
  };
  return file;
}

/** A renderer whose `render` does what `behaviour` says. */
function fakeRenderer(behaviour: (job: PdfJob) => Promise<PdfResult>): PdfRenderer {
  return { render: behaviour, close: async () => undefined, profileDirectory: "/nowhere" };
}

const found: NonNullable<PdfPrinterOptions["find"]> = () => ({
  path: "/usr/bin/chromium",
  source: "system",
});

async function printWith(behaviour: (job: PdfJob) => Promise<PdfResult>, env = {}) {
  const printer = await createPdfPrinter({
    find: found,
    launch: async () => fakeRenderer(behaviour),
    env,
  });
  if ("help" in printer) throw new Error(printer.help);
  const file = manuscriptFile();
  const pdf = await printer.print("/project/dist/case-report.html", "/project/dist", file);
  return { pdf, file, messages: file.messages.map((m) => [m.ruleId, m.line, m.column]) };
}

describe("failures while printing are diagnostics", () => {
  it("a time-out is pdf-timeout", async () => {
    const { pdf, file } = await printWith(async (job) => {
      throw new PdfTimeoutError(job.htmlPath, 5, "printing");
    });
    expect(pdf).toBeUndefined();
    expect(file.messages.map((m) => m.ruleId)).toEqual(["pdf-timeout"]);
    expect(file.messages[0]?.reason).toContain("timed out after 5 ms while printing");
    expect(file.messages[0]?.fatal).toBe(true);
  });

  it("a crashed browser is pdf-render-failed, with advice", async () => {
    const { pdf, file } = await printWith(async () => {
      throw new Error("Target closed\n    at somewhere");
    });
    expect(pdf).toBeUndefined();
    expect(file.messages.map((m) => m.ruleId)).toEqual(["pdf-render-failed"]);
    expect(file.messages[0]?.reason).toBe(
      "The browser failed while printing the PDF: Target closed",
    );
    expect(file.messages[0]?.note).toContain("setup-browser.mjs --check");
  });

  it("an unusable SOURCE_DATE_EPOCH is source-date-epoch-invalid and nothing is printed", async () => {
    let rendered = false;
    const { pdf, file } = await printWith(
      async () => {
        rendered = true;
        return {
          pdf: new Uint8Array(),
          blockedRequests: [],
          timings: {} as PdfResult["timings"],
          imagesPassedThrough: 0,
        };
      },
      { SOURCE_DATE_EPOCH: "99999999999999999" },
    );
    expect(pdf).toBeUndefined();
    expect(rendered).toBe(false);
    expect(file.messages.map((m) => m.ruleId)).toEqual(["source-date-epoch-invalid"]);
  });

  it("no browser is pdf-browser-unavailable on each manuscript that reaches printing", async () => {
    const printer = startBackgroundPrinter({
      find: () => ({ path: null, help: "No Chrome or Chromium found.\nInstall one." }),
    });
    const file = manuscriptFile();
    expect(await printer.print("/project/dist/case-report.html", "/project/dist", file)).toBe(
      undefined,
    );
    expect(file.messages.map((m) => m.ruleId)).toEqual(["pdf-browser-unavailable"]);
    expect(file.messages[0]?.reason).toBe("Cannot write the PDF: No Chrome or Chromium found.");
    expect(file.messages[0]?.note).toBe("Install one.");
  });
});

describe("blocked requests are reported where the manuscript names them", () => {
  it("finds a remote URL and a local path relative to the manuscript", async () => {
    const { messages } = await printWith(async () => ({
      pdf: new Uint8Array([1]),
      blockedRequests: [
        { url: "http://127.0.0.1:9/x.png", reason: "network access is disabled" },
        { url: pathToFileURL("/project/secret/y.png").href, reason: "outside the output folder" },
        { url: "https://fonts.example/journal.woff2", reason: "network access is disabled" },
      ],
      timings: {} as PdfResult["timings"],
      imagesPassedThrough: 0,
    }));
    expect(messages).toEqual([
      ["pdf-request-blocked", 5, 20],
      ["pdf-request-blocked", 7, 16],
      // A request the manuscript does not make (the journal's CSS, say) has no place in it.
      ["pdf-request-blocked", undefined, undefined],
    ]);
  });

  it("tries the path relative to the HTML file too", () => {
    const file = new VFile({ value: "see ![x](../../etc/hosts)" });
    expect(blockedRequestPlace(file, "file:///etc/hosts", "/a/b")).toEqual({
      line: 1,
      column: 10,
      offset: 9,
    });
  });
});

describe("browser profile folders are removed", () => {
  it("when the browser does not start", async () => {
    const folder = await mkdtemp(join(tmpdir(), "casepress-profiles-"));
    temporary.push(folder);
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = folder;
    try {
      const printer = await createPdfPrinter({
        find: () => ({ path: "/bin/false", source: "env" }),
      });
      expect("help" in printer && printer.help).toMatch(
        /^Could not start the browser at \/bin\/false/,
      );
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    expect(await readdir(folder)).toEqual([]);
  }, 60_000);

  const browser = findBrowser();
  it.skipIf(browser.path === null)(
    "when the process exits without closing the renderer",
    async () => {
      const folder = await mkdtemp(join(tmpdir(), "casepress-profiles-"));
      temporary.push(folder);
      const script = join(folder, "leave.mts");
      await mkdir(join(folder, "tmp"));
      await writeFile(
        script,
        `import { launchPdfRenderer } from ${JSON.stringify(join(repositoryDirectory, "scripts", "pdf", "render-pdf.ts"))};
const renderer = await launchPdfRenderer({ executablePath: ${JSON.stringify(browser.path)} });
console.log(renderer.profileDirectory);
process.exit(0);
`,
      );
      const profile = await new Promise<string>((resolve, reject) =>
        execFile(
          process.execPath,
          ["--import", "tsx", script],
          { cwd: repositoryDirectory, env: { ...process.env, TMPDIR: join(folder, "tmp") } },
          (error, stdout) => (error ? reject(error) : resolve(stdout.trim())),
        ),
      );
      expect(profile.startsWith(join(folder, "tmp", "casepress-chromium-"))).toBe(true);
      expect(existsSync(profile)).toBe(false);
    },
    60_000,
  );
});
