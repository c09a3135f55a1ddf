/**
 * scripts/casepress.sh, the `casepress` command: it starts from the V8 startup snapshot only
 * while the snapshot is current, hands the arguments on untouched, and drops
 * NODE_EXTRA_CA_CERTS. It runs here in a stand-in Casepress folder whose snapshot and fallback
 * (scripts/casepress.mjs) each print which of them ran, with what.
 */
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { repositoryDirectory } from "../helpers.ts";

/** What the stand-in snapshot or fallback printed. */
interface Started {
  via: "snapshot" | "fallback";
  args: string[];
  caCerts: string | null;
}

/** The same reporter, as the snapshot's main function and as scripts/casepress.mjs. */
const reporter = (via: Started["via"], args: string) =>
  `process.stdout.write(JSON.stringify({ via: ${JSON.stringify(via)}, args: ${args}, caCerts: process.env.NODE_EXTRA_CA_CERTS ?? null }));`;

let root = "";
let blob = "";
const nodeDirectory = dirname(process.execPath);
/** Ten minutes ago: when the sources were last edited, before the snapshot was built. */
const past = new Date(Date.now() - 600_000);

/** The key bundle.mjs writes: this Node binary as `stat -L -c '%s %Y %i'` prints it, and the root. */
function writeKey(node = process.execPath, folder = root): void {
  const info = statSync(node);
  writeFileSync(
    `${blob}.key`,
    `${info.size} ${Math.floor(info.mtimeMs / 1000)} ${info.ino}\n${folder}\n${process.version}\n`,
  );
}

function run(args: string[], env: Record<string, string> = {}, command?: string): Started {
  const result = spawnSync(command ?? join(root, "scripts", "casepress.sh"), args, {
    cwd: root,
    encoding: "utf8",
    env: { PATH: `${nodeDirectory}:/usr/bin:/bin`, ...env },
  });
  expect(result.stderr).toBe("");
  return JSON.parse(result.stdout) as Started;
}

/** Make `path` (relative to the root) newer than the snapshot, run, and put it back. */
function viaWithNewer(path: string): Started["via"] {
  const full = join(root, path);
  const future = new Date(Date.now() + 60_000);
  utimesSync(full, future, future);
  try {
    return run(["check"]).via;
  } finally {
    utimesSync(full, past, past);
  }
}

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), "casepress-launcher-")));
  const cache = join(root, "node_modules", ".cache", "casepress");
  for (const folder of [
    "scripts/cli",
    "scripts/bench/results",
    "templates/journal",
    "node_modules/.cache/casepress",
  ])
    mkdirSync(join(root, folder), { recursive: true });
  copyFileSync(
    join(repositoryDirectory, "scripts", "casepress.sh"),
    join(root, "scripts", "casepress.sh"),
  );
  writeFileSync(
    join(root, "scripts", "casepress.mjs"),
    reporter("fallback", "process.argv.slice(2)"),
  );
  writeFileSync(join(root, "scripts", "cli", "main.ts"), "export {};\n");
  writeFileSync(join(root, "scripts", "bench", "results", "latest.json"), "{}\n");
  writeFileSync(join(root, "templates", "journal", "style.csl"), "<style/>\n");
  writeFileSync(join(root, "package.json"), '{ "name": "casepress" }\n');
  writeFileSync(join(cache, "cli.cjs"), "module.exports = {};\n");
  const entry = join(root, "entry.cjs");
  writeFileSync(
    entry,
    `require("node:v8").startupSnapshot.setDeserializeMainFunction(() => { ${reporter("snapshot", "process.argv.slice(1)")} });\n`,
  );
  blob = join(cache, "casepress.blob");
  const built = spawnSync(process.execPath, ["--snapshot-blob", blob, "--build-snapshot", entry], {
    cwd: root,
    encoding: "utf8",
  });
  expect(built.status, built.stderr).toBe(0);
  for (const path of [
    "scripts",
    "scripts/cli/main.ts",
    "scripts/casepress.sh",
    "scripts/casepress.mjs",
    "scripts/bench/results/latest.json",
    "templates/journal/style.csl",
    "package.json",
    "node_modules/.cache/casepress/cli.cjs",
  ])
    utimesSync(join(root, path), past, past);
}, 60_000);

afterAll(() => {
  if (root !== "") rmSync(root, { recursive: true, force: true });
});

beforeEach(() => writeKey());

describe("casepress.sh", () => {
  it("starts from a current snapshot, with the arguments exactly as given", () => {
    const args = [
      "build",
      "a b",
      "$(touch injected)",
      "`touch injected`",
      "*",
      "--help",
      "-x",
      "",
      "two\nlines",
      `'"\\`,
    ];
    expect(run(args)).toEqual({ via: "snapshot", args, caCerts: null });
    expect(existsSync(join(root, "injected"))).toBe(false);
  });

  it("hands the arguments to the fallback exactly as given too", () => {
    const args = ["check", "a b", "$(touch injected)", "*", "--version", ""];
    expect(run(args, { CASEPRESS_FROM_SOURCE: "1" })).toEqual({
      via: "fallback",
      args,
      caCerts: null,
    });
    expect(existsSync(join(root, "injected"))).toBe(false);
  });

  it("drops NODE_EXTRA_CA_CERTS on both paths", () => {
    const env = { NODE_EXTRA_CA_CERTS: join(root, "certificates.pem") };
    expect(run(["rules"], env).caCerts).toBeNull();
    expect(run(["rules"], { ...env, CASEPRESS_FROM_SOURCE: "1" }).caCerts).toBeNull();
  });

  it("finds its folder when started through a symbolic link (node_modules/.bin)", () => {
    const link = join(root, "node_modules", ".bin", "casepress");
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join("..", "..", "scripts", "casepress.sh"), link);
    expect(run(["rules"], {}, link).via).toBe("snapshot");
  });

  it("does not use a snapshot older than a source, a journal file, package.json or the bundle", () => {
    expect(viaWithNewer("scripts/cli/main.ts")).toBe("fallback");
    expect(viaWithNewer("templates/journal/style.csl")).toBe("fallback");
    expect(viaWithNewer("package.json")).toBe("fallback");
    expect(viaWithNewer("node_modules/.cache/casepress/cli.cjs")).toBe("fallback");
    // The benchmark's results are no source.
    expect(viaWithNewer("scripts/bench/results/latest.json")).toBe("snapshot");
  });

  it("does not use a snapshot built by another Node.js binary or for another folder", () => {
    writeKey(join(root, "package.json"));
    expect(run(["rules"]).via).toBe("fallback");
    writeKey(process.execPath, join(root, "elsewhere"));
    expect(run(["rules"]).via).toBe("fallback");
  });

  it("does not use a snapshot without its key, nor with CASEPRESS_FROM_SOURCE", () => {
    rmSync(`${blob}.key`);
    expect(run(["rules"]).via).toBe("fallback");
    writeKey();
    expect(run(["rules"], { CASEPRESS_FROM_SOURCE: "1" }).via).toBe("fallback");
    expect(readFileSync(`${blob}.key`, "utf8")).toContain(root);
  });
});
