/**
 * The path guard (scripts/loaders/path-guard.ts): references resolve inside their root or are
 * refused, only regular files are read (a FIFO or a device is refused at once, never waited
 * on), size caps hold, and output names never leave the output folder.
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readManuscript } from "../../scripts/loaders/load-manuscript.ts";
import {
  outputPath,
  readGuarded,
  readGuardedSync,
  resolveReference,
  sizeLimits,
} from "../../scripts/loaders/path-guard.ts";

const made: string[] = [];
async function folder(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "casepress-guard-"));
  made.push(directory);
  return directory;
}
afterEach(async () => {
  await Promise.all(made.splice(0).map((path) => rm(path, { recursive: true, force: true })));
});

describe("resolveReference", () => {
  it("refuses URLs, absolute paths and `..` that leave the root", () => {
    const root = "/project";
    expect(resolveReference("http://127.0.0.1:8931/p.png", "/project/m", root).kind).toBe("remote");
    expect(resolveReference("file:///etc/passwd", "/project/m", root).kind).toBe("remote");
    expect(resolveReference("//host/x.png", "/project/m", root).kind).toBe("remote");
    expect(resolveReference("/etc/passwd", "/project/m", root).kind).toBe("outside");
    expect(resolveReference("/project/figures/a.png", "/project/m", root).kind).toBe("outside");
    expect(resolveReference("../../etc/passwd", "/project/m", root).kind).toBe("outside");
    expect(resolveReference("%2e%2e/%2e%2e/etc/passwd", "/project/m", root).kind).toBe("outside");
    // A sibling whose name starts like the root is still outside.
    expect(resolveReference("../../project-secret/a.png", "/project/m", root).kind).toBe("outside");
    expect(resolveReference("../figures/a.png", "/project/m", root)).toEqual({
      kind: "local",
      absolutePath: "/project/figures/a.png",
    });
  });
});

describe("readGuarded", () => {
  it("refuses a FIFO at once instead of blocking on it", async () => {
    const root = await folder();
    execFileSync("mkfifo", [join(root, "pipe.csv")]);
    const read = await readGuarded(join(root, "pipe.csv"), root, "csv");
    expect(read).toMatchObject({ ok: false, failure: { status: "unreadable" } });
    expect(!read.ok && "detail" in read.failure && read.failure.detail).toMatch(/FIFO/);
    const sync = readGuardedSync(join(root, "pipe.csv"), root, "journal");
    expect(sync.ok).toBe(false);
  });

  it("refuses a device and a symbolic link that leaves the root", async () => {
    const root = await folder();
    await symlink("/dev/zero", join(root, "zero.png"));
    await symlink("/etc/hostname", join(root, "host.json"));
    expect(await readGuarded("/dev/zero", "/", "image")).toMatchObject({
      ok: false,
      failure: { status: "unreadable", detail: expect.stringMatching(/device/) },
    });
    expect(await readGuarded(join(root, "zero.png"), root, "image")).toMatchObject({
      ok: false,
      failure: { status: "outside" },
    });
    expect(await readGuarded(join(root, "host.json"), root, "bibliography")).toMatchObject({
      ok: false,
      failure: { status: "outside" },
    });
  });

  it("holds the size cap of each kind", async () => {
    const root = await folder();
    await writeFile(join(root, "big.css"), Buffer.alloc(sizeLimits.journal + 1, 0x20));
    expect(await readGuarded(join(root, "big.css"), root, "journal")).toMatchObject({
      ok: false,
      failure: { status: "too-large", limit: sizeLimits.journal },
    });
    await writeFile(join(root, "ok.css"), "p{}");
    const read = await readGuarded(join(root, "ok.css"), root, "journal");
    expect(read.ok && read.bytes.toString()).toBe("p{}");
  });
});

describe("readManuscript", () => {
  it("/dev/zero as the manuscript: manuscript-unreadable, not an endless read", async () => {
    const file = await readManuscript("/dev/zero");
    expect(file.messages.map((message) => message.ruleId)).toEqual(["manuscript-unreadable"]);
    expect(String(file.messages[0]?.reason)).toMatch(/device/);
  });

  it("a FIFO as the manuscript: manuscript-unreadable, no hang", async () => {
    const root = await folder();
    execFileSync("mkfifo", [join(root, "case.md")]);
    const file = await readManuscript(join(root, "case.md"));
    expect(file.messages.map((message) => message.ruleId)).toEqual(["manuscript-unreadable"]);
    expect(String(file.messages[0]?.reason)).toMatch(/FIFO/);
  });
});

describe("outputPath", () => {
  it("keeps every output name inside the output folder", async () => {
    const out = await folder();
    await mkdir(join(out, "a"));
    expect(outputPath(out, "a", "style.css")).toBe(join(out, "a", "style.css"));
    expect(() => outputPath(out, "../../payload.sh")).toThrow(/leaves the output folder/);
    expect(() => outputPath(out, "case_files", "../../x")).toThrow(/leaves the output folder/);
    expect(() => outputPath(out, "/etc/passwd")).toThrow(/relative path/);
    expect(() => outputPath(out, "")).toThrow();
  });
});
