/**
 * The command line of `npm run bench` (scripts/bench/bench-options.ts).
 */
import { describe, expect, it } from "vitest";
import {
  DEFAULT_PEER_BROWSER,
  GOAL_CASES,
  parseBenchOptions,
  selectCases,
} from "../../scripts/bench/bench-options.ts";

describe("parseBenchOptions", () => {
  it("runs every goal case in both environments by default", () => {
    const options = parseBenchOptions([]);
    expect(options).toMatchObject({
      runs: 7,
      copies: 100,
      cores: 2,
      variants: ["as-is", "no-extra-ca"],
      peerBrowser: DEFAULT_PEER_BROWSER,
      profile: true,
      bundle: true,
      help: false,
    });
    expect(options.cases).toEqual([...GOAL_CASES]);
    expect(options.referenceCache).toBeUndefined();
  });

  it("reads every option", () => {
    const options = parseBenchOptions([
      "--runs",
      "3",
      "--copies",
      "10",
      "--only",
      "pdf-1x,warm-rebuild",
      "--env",
      "as-is",
      "--cores",
      "1",
      "--peer-browser",
      "/opt/chrome",
      "--reference-cache",
      "/tmp/refs",
      "--no-profile",
      "--no-bundle",
    ]);
    expect(options).toMatchObject({
      runs: 3,
      copies: 10,
      cases: ["pdf-1x", "warm-rebuild"],
      variants: ["as-is"],
      cores: 1,
      peerBrowser: "/opt/chrome",
      referenceCache: "/tmp/refs",
      profile: false,
      bundle: false,
    });
  });

  it("rejects a count that is not a whole number of at least 1", () => {
    expect(() => parseBenchOptions(["--runs", "0"])).toThrow(/--runs "0"/);
    expect(() => parseBenchOptions(["--copies", "many"])).toThrow(/--copies "many"/);
  });
});

describe("selectCases", () => {
  it("keeps table order, whatever the order asked", () => {
    expect(selectCases("save-reload,html-1x")).toEqual(["html-1x", "save-reload"]);
  });

  it("brings 1× and 10× along with 50×, for the linearity row", () => {
    expect(selectCases("html-50x")).toEqual(["html-1x", "html-10x", "html-50x"]);
  });

  it("runs the cases without a goal only when named", () => {
    expect(selectCases(undefined)).not.toContain("check-1x");
    expect(selectCases("check-1x")).toEqual(["check-1x"]);
  });

  it("rejects an unknown case", () => {
    expect(() => selectCases("html-1x,pdf-2x")).toThrow(/Unknown case "pdf-2x"/);
  });
});
