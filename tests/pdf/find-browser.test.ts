import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CACHE_EXECUTABLES,
  findBrowser,
  SYSTEM_BROWSER_PATHS,
} from "../../scripts/pdf/find-browser.ts";

/** A fake file system: the listed paths are executables, the map gives directory entries. */
function fakeFs(executables: string[], dirs: Record<string, string[]> = {}) {
  const set = new Set(executables);
  return {
    isExecutable: (path: string) => set.has(path),
    listDir: (path: string) => dirs[path] ?? [],
  };
}

const system = ["/sys/chromium", "/sys/chrome"];

describe("findBrowser search order", () => {
  it("prefers PUPPETEER_EXECUTABLE_PATH when it is executable", () => {
    const result = findBrowser(
      { PUPPETEER_EXECUTABLE_PATH: "/custom/chrome" },
      { systemPaths: system, homeDir: "/home/u", ...fakeFs(["/custom/chrome", "/sys/chromium"]) },
    );
    expect(result).toEqual({ path: "/custom/chrome", source: "env" });
  });

  it("reports a PUPPETEER_EXECUTABLE_PATH that is not executable instead of falling back", () => {
    const result = findBrowser(
      { PUPPETEER_EXECUTABLE_PATH: "/custom/missing" },
      { systemPaths: system, homeDir: "/home/u", ...fakeFs(["/sys/chromium"]) },
    );
    expect(result.path).toBeNull();
    if (result.path === null) {
      expect(result.help).toContain('PUPPETEER_EXECUTABLE_PATH is set to "/custom/missing"');
      expect(result.help).toContain("apt-get install chromium");
    }
  });

  it("ignores an empty PUPPETEER_EXECUTABLE_PATH", () => {
    const result = findBrowser(
      { PUPPETEER_EXECUTABLE_PATH: "" },
      { systemPaths: system, homeDir: "/home/u", ...fakeFs(["/sys/chrome"]) },
    );
    expect(result).toEqual({ path: "/sys/chrome", source: "system" });
  });

  it("takes the first system path that exists, in list order", () => {
    const result = findBrowser(
      {},
      { systemPaths: system, homeDir: "/home/u", ...fakeFs(["/sys/chrome", "/sys/chromium"]) },
    );
    expect(result).toEqual({ path: "/sys/chromium", source: "system" });
  });

  it("falls back to the newest build in puppeteer's cache", () => {
    const chromeDir = "/home/u/.cache/puppeteer/chrome";
    const result = findBrowser(
      {},
      {
        systemPaths: system,
        homeDir: "/home/u",
        ...fakeFs(
          [
            `${chromeDir}/linux-99.0.1.2/chrome-linux64/chrome`,
            `${chromeDir}/linux-131.0.6778.85/chrome-linux64/chrome`,
          ],
          { [chromeDir]: ["linux-99.0.1.2", "linux-131.0.6778.85", "linux-120.0.0.0"] },
        ),
      },
    );
    expect(result).toEqual({
      path: `${chromeDir}/linux-131.0.6778.85/chrome-linux64/chrome`,
      source: "puppeteer-cache",
    });
  });

  it("honours PUPPETEER_CACHE_DIR", () => {
    const result = findBrowser(
      { PUPPETEER_CACHE_DIR: "/cache" },
      {
        systemPaths: system,
        homeDir: "/home/u",
        ...fakeFs(["/cache/chrome/linux-1.0.0.0/chrome-linux64/chrome"], {
          "/cache/chrome": ["linux-1.0.0.0"],
        }),
      },
    );
    expect(result).toEqual({
      path: "/cache/chrome/linux-1.0.0.0/chrome-linux64/chrome",
      source: "puppeteer-cache",
    });
  });

  it("says what it searched and how to get a browser when nothing is found", () => {
    const result = findBrowser({}, { systemPaths: system, homeDir: "/home/u", ...fakeFs([]) });
    expect(result.path).toBeNull();
    if (result.path === null) {
      expect(result.help).toContain("/sys/chromium");
      expect(result.help).toContain("/home/u/.cache/puppeteer/chrome/*/chrome-linux64/chrome");
      expect(result.help).toContain("apt-get install chromium");
      expect(result.help).toContain("npx puppeteer browsers install chrome");
      expect(result.help).toContain("PUPPETEER_EXECUTABLE_PATH");
    }
  });
});

describe("findBrowser on the real file system", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "casepress-find-browser-"));
    await writeFile(join(dir, "exe"), "#!/bin/sh\n");
    await chmod(join(dir, "exe"), 0o755);
    await writeFile(join(dir, "plain"), "not executable\n");
    await chmod(join(dir, "plain"), 0o644);
    await mkdir(join(dir, "folder"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("accepts an executable file", () => {
    expect(findBrowser({ PUPPETEER_EXECUTABLE_PATH: join(dir, "exe") })).toEqual({
      path: join(dir, "exe"),
      source: "env",
    });
  });

  it("rejects a file without the execute bit", () => {
    // Holds for root too: root needs at least one x bit to execute a file.
    expect(findBrowser({ PUPPETEER_EXECUTABLE_PATH: join(dir, "plain") }).path).toBeNull();
  });

  it("rejects a directory", () => {
    expect(findBrowser({ PUPPETEER_EXECUTABLE_PATH: join(dir, "folder") }).path).toBeNull();
  });
});

describe("setup-browser.mjs", () => {
  it("searches the same system paths as find-browser.ts", async () => {
    const modulePath = "../../scripts/pdf/setup-browser.mjs";
    // Plain JavaScript without type declarations; only this exported array is read.
    const setup = (await import(modulePath)) as {
      SYSTEM_BROWSER_PATHS: string[];
      CACHE_EXECUTABLES: string[];
    };
    expect(setup.SYSTEM_BROWSER_PATHS).toEqual([...SYSTEM_BROWSER_PATHS]);
    expect(setup.CACHE_EXECUTABLES).toEqual([...CACHE_EXECUTABLES]);
  });

  it("finds the browser named by PUPPETEER_EXECUTABLE_PATH", async () => {
    const modulePath = "../../scripts/pdf/setup-browser.mjs";
    // As above: an untyped module; locateBrowser's result shape is checked by the assertion.
    const setup = (await import(modulePath)) as {
      locateBrowser(env: NodeJS.ProcessEnv): { path: string | null };
    };
    expect(setup.locateBrowser({ PUPPETEER_EXECUTABLE_PATH: "/nonexistent/chrome" }).path).toBe(
      null,
    );
    expect(setup.locateBrowser({ PUPPETEER_EXECUTABLE_PATH: process.execPath }).path).toBe(
      process.execPath,
    );
  });
});
