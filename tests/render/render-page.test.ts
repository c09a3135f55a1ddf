import { describe, expect, it } from "vitest";
import { cssString } from "../../scripts/render/escape.ts";
import { fillTemplate, pageOffset } from "../../scripts/render/render-page.ts";

describe("render-page helpers", () => {
  it("starts the page counter so the first page prints the article's first page", () => {
    expect(pageOffset("164-7")).toBe(163);
    expect(pageOffset("e12-e15")).toBe(0);
    expect(pageOffset(undefined)).toBe(0);
    expect(pageOffset("1")).toBe(0);
  });

  it("fills known slots and empties unknown ones", () => {
    expect(fillTemplate("<b>{{title}}</b>{{nothing}}", { title: "T" })).toBe("<b>T</b>");
  });

  it("escapes text for a CSS string so it cannot end the string or the style element", () => {
    const escaped = cssString('A "quoted" </style><script>x</script>\\');
    expect(escaped).not.toMatch(/["<>]/);
    expect(escaped).not.toMatch(/\\(?![0-9A-F]+ )/);
  });
});
