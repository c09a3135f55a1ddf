/** `casepress check`: report formats, exit codes, --strict and --shard, through the real CLI. */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { expandInputs } from "../../scripts/cli/check.ts";
import { main } from "../../scripts/cli/main.ts";
import type { JsonReport } from "../../scripts/diagnostics/format-messages.ts";
import { checkInProcess, repositoryDirectory } from "../helpers.ts";

/** A manuscript that passes every JAAD Case Reports check; `body` replaces its case report. */
function manuscript(body = "A woman aged 34 years had painful leg ulcers."): string {
  return [
    "---",
    "journal: jaad-case-reports",
    "title: A test case",
    "authors:",
    "  - name: Ada Test",
    "    degrees: MD",
    "    corresponding: true",
    "    email: ada@example.org",
    "    address: 1 Main Street, New York, NY 10001",
    "funding: None.",
    "conflicts: None declared.",
    "---",
    "",
    "# Introduction",
    "",
    "Leg ulcers are rare.",
    "",
    "# Case report",
    "",
    body,
    "",
    "# Discussion",
    "",
    "They healed.",
    "",
  ].join("\n");
}

/** The line of the case report's body in `manuscript()`. */
const bodyLine = 20;

let folder = "";
const paths = { clean: "", esr: "", warning: "", errors: "" };

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "casepress-check-"));
  const write = async (name: string, text: string) => {
    const path = join(folder, name);
    await writeFile(path, text);
    return path;
  };
  paths.clean = await write("a-clean.md", manuscript());
  paths.esr = await write(
    "b-esr.md",
    manuscript("The erythrocyte sedimentation rate (ESR) was 142 mm/h."),
  );
  paths.warning = await write("c-warning.md", manuscript("The CRP was high, and the CRP fell."));
  paths.errors = await write(
    // A comma and a colon in the name: both must be escaped in workflow command properties.
    "d-errors,v2:x.md",
    manuscript('Her SLE, "with colons: and, commas", flared.').replace("funding: None.\n", ""),
  );
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("check --format json", () => {
  it("follows the JSON contract", async () => {
    const { code, stdout } = await checkInProcess(paths.clean, paths.esr, "--format", "json");
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as JsonReport;
    expect(Object.keys(report).sort()).toEqual(["manuscripts", "summary"]);
    expect(Object.keys(report.summary).sort()).toEqual([
      "errors",
      "infos",
      "manuscripts",
      "warnings",
    ]);
    expect(report.summary.manuscripts).toBe(2);
    expect(report.manuscripts.map((entry) => entry.path)).toEqual([paths.clean, paths.esr]);
    expect(report.manuscripts[0]?.messages).toEqual([]);
    for (const message of report.manuscripts.flatMap((entry) => entry.messages)) {
      // `data` is optional: the abbreviation rules give `data.token` and `data.reason`.
      expect(
        Object.keys(message)
          .filter((key) => key !== "data")
          .sort(),
      ).toEqual(["column", "file", "line", "message", "rule", "severity"]);
      expect(["error", "warning", "info"]).toContain(message.severity);
      expect(Number.isInteger(message.line) && Number.isInteger(message.column)).toBe(true);
    }
  });

  it("reports an unlisted “(ESR)” as an error at its line", async () => {
    const { stdout } = await checkInProcess(paths.esr, "--format", "json");
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.manuscripts[0]?.messages).toEqual([
      {
        file: paths.esr,
        line: bodyLine,
        column: 37,
        severity: "error",
        rule: "abbreviation-unlisted-definition",
        message: expect.stringContaining("add `ESR: erythrocyte sedimentation rate` to the list"),
        data: { token: "ESR", reason: expect.stringContaining("two or more capitals") },
      },
    ]);
    expect(report.summary).toEqual({ manuscripts: 1, errors: 1, warnings: 0, infos: 0 });
  });
});

describe("check --format github", () => {
  it("writes one workflow command per message, then the summary", async () => {
    const { code, stdout } = await checkInProcess(paths.esr, paths.warning, "--format", "github");
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split("\n");
    expect(lines.at(-1)).toBe("2 manuscripts checked: 1 error, 1 warning, 0 infos");
    const commands = lines.slice(0, -1);
    for (const line of commands) {
      expect(line).toMatch(
        /^::(error|warning|notice) file=[^,:]+,line=\d+,col=\d+,title=[a-z-]+::\S/,
      );
    }
    expect(commands).toEqual([
      expect.stringMatching(
        new RegExp(
          `^::error file=${paths.esr},line=${bodyLine},col=37,title=abbreviation-unlisted-definition::Unexpected definition of \`ESR\``,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `^::warning file=${paths.warning},line=${bodyLine},col=5,title=abbreviation-unlisted::Unexpected abbreviation \`CRP\` \\(used 2 times\\)`,
        ),
      ),
    ]);
  });

  it("escapes what would end a property or the message", async () => {
    const { stdout } = await checkInProcess(paths.errors, "--format", "github");
    const commands = stdout.split("\n").filter((line) => line.startsWith("::"));
    expect(commands.length).toBeGreaterThan(1);
    for (const line of commands) {
      const [properties = "", ...message] = line.slice(2).split("::");
      // A ":" or "," inside a property value is escaped, so the command parses.
      expect(
        properties.split(",").every((part) => /^(error|warning|notice)? ?[a-z]+=/.test(part)),
      ).toBe(true);
      expect(message.join("::")).not.toMatch(/[\r\n]/);
    }
    const escapedPath = paths.errors.replace(",", "%2C").replace(":", "%3A");
    expect(commands.every((line) => line.includes(`file=${escapedPath},line=`))).toBe(true);
    expect(commands.some((line) => line.includes("title=journal-statement-missing"))).toBe(true);
    expect(
      commands.some((line) => line.startsWith("::notice ") || line.startsWith("::error ")),
    ).toBe(true);
  });
});

describe("check --format text and sarif", () => {
  it("groups messages by manuscript with file:line:col, severity, message and rule", async () => {
    const { stdout } = await checkInProcess(paths.esr, paths.warning);
    const blocks = stdout.trimEnd().split("\n\n");
    expect(blocks[0]?.split("\n")[0]).toBe(paths.esr);
    expect(blocks[0]).toMatch(
      new RegExp(
        `^  ${paths.esr}:${bodyLine}:37 +error +Unexpected definition of \`ESR\`.* +abbreviation-unlisted-definition$`,
        "m",
      ),
    );
    expect(blocks[1]).toMatch(/warning +Unexpected abbreviation `CRP`.* +abbreviation-unlisted$/m);
    expect(blocks.at(-1)).toBe("2 manuscripts checked: 1 error, 1 warning, 0 infos");
  });

  it("prints only the summary for a clean manuscript", async () => {
    const { code, stdout } = await checkInProcess(paths.clean);
    expect(code).toBe(0);
    expect(stdout).toBe("1 manuscript checked: 0 errors, 0 warnings, 0 infos\n");
  });

  it("writes SARIF 2.1.0 with the rules it used", async () => {
    const { stdout } = await checkInProcess(paths.esr, "--format", "sarif");
    const sarif = JSON.parse(stdout) as {
      version: string;
      runs: {
        tool: { driver: { rules: { id: string }[] } };
        results: { ruleId: string; level: string }[];
      }[];
    };
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0]?.tool.driver.rules.map((rule) => rule.id)).toEqual([
      "abbreviation-unlisted-definition",
    ]);
    expect(sarif.runs[0]?.results[0]).toMatchObject({
      ruleId: "abbreviation-unlisted-definition",
      level: "error",
    });
  });
});

describe("check exit codes", () => {
  it("is 0 for warnings only, 1 with --strict", async () => {
    expect((await checkInProcess(paths.warning)).code).toBe(0);
    expect((await checkInProcess(paths.warning, "--strict")).code).toBe(1);
    expect((await checkInProcess(paths.clean, "--strict")).code).toBe(0);
  });

  it("is 1 when a manuscript has errors, whatever the others", async () => {
    expect((await checkInProcess(paths.clean, paths.errors)).code).toBe(1);
  });

  it("is 2 for usage errors", async () => {
    const noInput = await checkInProcess();
    expect(noInput.code).toBe(2);
    expect(noInput.stderr).toContain("Name at least one manuscript");
    const badFormat = await checkInProcess(paths.clean, "--format", "xml");
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain("Unknown report format `xml`");
    expect((await checkInProcess(join(folder, "nothing-*.md"))).code).toBe(2);
    expect((await checkInProcess(paths.clean, "--shard", "3/2")).code).toBe(2);
    expect((await checkInProcess(paths.clean, "--no-such-option")).code).toBe(2);
  });
});

describe("check --shard", () => {
  it("checks every n-th manuscript of the sorted batch", async () => {
    const shardPaths = async (shard: string) => {
      const { stdout } = await checkInProcess(folder, "--format", "json", "--shard", shard);
      return (JSON.parse(stdout) as JsonReport).manuscripts.map((entry) => entry.path);
    };
    expect(await shardPaths("1/2")).toEqual([paths.clean, paths.warning]);
    expect(await shardPaths("2/2")).toEqual([paths.esr, paths.errors]);
    const all = [
      ...(await shardPaths("1/3")),
      ...(await shardPaths("2/3")),
      ...(await shardPaths("3/3")),
    ];
    expect(all.sort()).toEqual([paths.clean, paths.esr, paths.warning, paths.errors].sort());
  });
});

describe("the casepress command", () => {
  const run = promisify(execFile);
  const casepress = async (args: string[]) => {
    try {
      const { stdout } = await run(
        process.execPath,
        [join(repositoryDirectory, "scripts", "casepress.mjs"), ...args],
        {
          env: { ...process.env, CASEPRESS_FROM_SOURCE: "1" },
        },
      );
      return { code: 0, stdout };
    } catch (error) {
      const failed = error as { code: number; stdout: string };
      return { code: failed.code, stdout: failed.stdout };
    }
  };

  it("exits 1 with the “(ESR)” error in JSON, and 0 on a clean manuscript", async () => {
    const failed = await casepress(["check", paths.esr, "--format", "json"]);
    expect(failed.code).toBe(1);
    const report = JSON.parse(failed.stdout) as JsonReport;
    expect(report.manuscripts[0]?.messages[0]).toMatchObject({
      line: bodyLine,
      severity: "error",
      rule: "abbreviation-unlisted-definition",
    });
    expect((await casepress(["check", paths.clean])).code).toBe(0);
  }, 30_000);
});

describe("check <folder> and hostile arguments", () => {
  it("finds a manuscript in a subfolder whose name holds a newline, and follows no link out", async () => {
    const root = await mkdtemp(join(tmpdir(), "casepress-check-folder-"));
    const outside = await mkdtemp(join(tmpdir(), "casepress-check-outside-"));
    try {
      await mkdir(join(root, "odd\nname"));
      await writeFile(join(root, "odd\nname", "case.md"), manuscript());
      await writeFile(join(outside, "secret.md"), manuscript());
      await symlink(join(outside, "secret.md"), join(root, "linked.md"));
      await symlink(outside, join(root, "linked-folder"));
      const { files } = await expandInputs([root]);
      expect(files).toEqual([join(root, "odd\nname", "case.md")]);
    } finally {
      await rm(root, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });

  it("refuses a shard past the safe integers, an empty format and a missing root (exit 2)", async () => {
    for (const args of [
      [paths.clean, "--shard", "99999999999999999999/99999999999999999999"],
      [paths.clean, "--format", ""],
      [paths.clean, "--root", "/nonexistent-casepress-root"],
    ]) {
      const { code, stderr } = await checkInProcess(...args);
      expect(code, args.join(" ")).toBe(2);
      expect(stderr).toMatch(/--shard|format|--root/);
    }
    let stderr = "";
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      stderr += String(chunk);
      return true;
    });
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    expect(await main(["build", paths.clean, "--format", ""])).toBe(2);
    expect(await main(["build", paths.clean, "--root", "/nonexistent-casepress-root"])).toBe(2);
    expect(stderr).toMatch(/Empty --format[\s\S]*Invalid --root/);
  });
});
