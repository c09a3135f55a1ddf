import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CACHE_EXECUTABLES,
  findBrowser,
  HEADLESS_SHELL_NAMES,
  headlessModeFor,
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

  it("prefers Debian's chromium-headless-shell over chromium, and falls back to chromium", () => {
    const both = findBrowser(
      {},
      { homeDir: "/home/u", ...fakeFs(["/usr/bin/chromium", "/usr/bin/chromium-headless-shell"]) },
    );
    expect(both).toEqual({ path: "/usr/bin/chromium-headless-shell", source: "system" });
    const onlyFull = findBrowser({}, { homeDir: "/home/u", ...fakeFs(["/usr/bin/chromium"]) });
    expect(onlyFull).toEqual({ path: "/usr/bin/chromium", source: "system" });
  });

  it("skips the headless shell when asked for a reader's browser", () => {
    const result = findBrowser(
      {},
      {
        homeDir: "/home/u",
        headlessShell: false,
        ...fakeFs(["/usr/bin/chromium", "/usr/bin/chromium-headless-shell"]),
      },
    );
    expect(result).toEqual({ path: "/usr/bin/chromium", source: "system" });
    const none = findBrowser(
      {},
      { homeDir: "/home/u", headlessShell: false, ...fakeFs(["/usr/bin/chromium-headless-shell"]) },
    );
    expect(none.path).toBeNull();
  });

  it("keeps PUPPETEER_EXECUTABLE_PATH first, also over the headless shell", () => {
    const result = findBrowser(
      { PUPPETEER_EXECUTABLE_PATH: "/usr/bin/chromium" },
      { homeDir: "/home/u", ...fakeFs(["/usr/bin/chromium", "/usr/bin/chromium-headless-shell"]) },
    );
    expect(result).toEqual({ path: "/usr/bin/chromium", source: "env" });
  });

  it("prefers puppeteer's cached headless shell over its cached Chrome", () => {
    const cache = "/home/u/.cache/puppeteer";
    const shell = `${cache}/chrome-headless-shell/linux-131.0.6778.85/chrome-headless-shell-linux64/chrome-headless-shell`;
    const chrome = `${cache}/chrome/linux-131.0.6778.85/chrome-linux64/chrome`;
    const dirs = {
      [`${cache}/chrome-headless-shell`]: ["linux-131.0.6778.85"],
      [`${cache}/chrome`]: ["linux-131.0.6778.85"],
    };
    const options = { systemPaths: system, homeDir: "/home/u" };
    expect(findBrowser({}, { ...options, ...fakeFs([chrome, shell], dirs) })).toEqual({
      path: shell,
      source: "puppeteer-cache",
    });
    expect(
      findBrowser({}, { ...options, headlessShell: false, ...fakeFs([chrome, shell], dirs) }),
    ).toEqual({ path: chrome, source: "puppeteer-cache" });
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
      expect(result.help).toContain(
        "/home/u/.cache/puppeteer/chrome-headless-shell/*/chrome-headless-shell-linux64/chrome-headless-shell",
      );
      expect(result.help).toContain("apt-get install chromium-headless-shell");
      expect(result.help).toContain("apt-get install chromium");
      expect(result.help).toContain("npx puppeteer browsers install chrome");
      expect(result.help).toContain("PUPPETEER_EXECUTABLE_PATH");
    }
  });
});

describe("headlessModeFor", () => {
  it("launches the headless shells in puppeteer's shell mode and other browsers in Chrome's", () => {
    expect(headlessModeFor("/usr/bin/chromium-headless-shell")).toBe("shell");
    expect(headlessModeFor("/x/chrome-headless-shell-linux64/chrome-headless-shell")).toBe("shell");
    expect(headlessModeFor("C:/x/chrome-headless-shell-win64/chrome-headless-shell.exe")).toBe(
      "shell",
    );
    expect(headlessModeFor("/usr/bin/chromium")).toBe(true);
    expect(headlessModeFor("/opt/google/chrome/chrome")).toBe(true);
    expect(headlessModeFor("/nonexistent/headless-shell-not")).toBe(true);
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

  it("recognises a link to a headless shell by the name of its target", async () => {
    await writeFile(join(dir, "chromium-headless-shell"), "#!/bin/sh\n");
    await symlink(join(dir, "chromium-headless-shell"), join(dir, "pdf-browser"));
    expect(headlessModeFor(join(dir, "pdf-browser"))).toBe("shell");
    expect(headlessModeFor(join(dir, "exe"))).toBe(true);
  });
});

describe("setup-browser.mjs", () => {
  it("searches the same system paths as find-browser.ts", async () => {
    const modulePath = "../../scripts/pdf/setup-browser.mjs";
    // Plain JavaScript without type declarations; only this exported array is read.
    const setup = (await import(modulePath)) as {
      SYSTEM_BROWSER_PATHS: string[];
      CACHE_EXECUTABLES: Record<string, string[]>;
      HEADLESS_SHELL_NAMES: string[];
    };
    expect(setup.SYSTEM_BROWSER_PATHS).toEqual([...SYSTEM_BROWSER_PATHS]);
    expect(setup.CACHE_EXECUTABLES).toEqual(CACHE_EXECUTABLES);
    expect(setup.HEADLESS_SHELL_NAMES).toEqual([...HEADLESS_SHELL_NAMES]);
  });

  it("installs and suggests the headless shell where apt knows it, else chromium", async () => {
    const modulePath = "../../scripts/pdf/setup-browser.mjs";
    // Plain JavaScript without type declarations; the two functions' shapes are checked here.
    const setup = (await import(modulePath)) as {
      aptPackages(aptKnows: (name: string) => boolean): string[];
      headlessShellSuggestion(path: string, aptKnows: (name: string) => boolean): string | null;
    };
    const known = (name: string) => name === "chromium-headless-shell";
    const unknown = () => false;
    expect(setup.aptPackages(known)).toEqual(["chromium-headless-shell", "poppler-utils"]);
    expect(setup.aptPackages(unknown)).toEqual(["chromium", "poppler-utils"]);
    expect(setup.headlessShellSuggestion("/usr/bin/chromium", known)).toContain(
      "apt-get install chromium-headless-shell",
    );
    expect(setup.headlessShellSuggestion("/usr/bin/chromium", unknown)).toBeNull();
    expect(setup.headlessShellSuggestion("/usr/bin/chromium-headless-shell", known)).toBeNull();
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
