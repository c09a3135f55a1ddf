import { readFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { readImageHeader } from "../../scripts/loaders/image-header.ts";
import { repositoryDirectory } from "../helpers.ts";

const figure = readFileSync(join(repositoryDirectory, "figures", "fig-1.png"));

describe("readImageHeader", () => {
  it("reads format, pixel size and the declared density of a PNG", () => {
    const header = readImageHeader(figure);
    expect(header.format).toBe("png");
    expect([header.width, header.height]).toEqual([1050, 640]);
    expect(Math.round(header.density ?? 0)).toBe(300);
  });

  it("reads a JPEG's JFIF density", async () => {
    const plain = await sharp({
      create: { width: 40, height: 20, channels: 3, background: "#fff" },
    })
      .jpeg()
      .toBuffer();
    expect(readImageHeader(plain)).toEqual({ format: "jpeg", width: 40, height: 20 });
    // A JFIF APP0 segment after SOI declaring 150 dots per inch.
    const jfif = Buffer.from([
      0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x01, 0x00, 0x96, 0x00,
      0x96, 0x00, 0x00,
    ]);
    const withJfif = Buffer.concat([plain.subarray(0, 2), jfif, plain.subarray(2)]);
    expect(readImageHeader(withJfif)).toEqual({
      format: "jpeg",
      width: 40,
      height: 20,
      density: 150,
    });
    expect(() => readImageHeader(withJfif.subarray(0, withJfif.length - 2))).toThrow(
      /JPEG file is truncated/,
    );
  });

  it("rejects truncated files and bytes that are no image", () => {
    expect(() => readImageHeader(figure.subarray(0, 120))).toThrow(/PNG file is truncated/);
    expect(() => readImageHeader(Buffer.from("<html>not an image</html>"))).toThrow(
      /not an image file/,
    );
  });
});
