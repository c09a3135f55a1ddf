import { readFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { inspectImageBytes } from "../../scripts/loaders/image-header.ts";
import { repositoryDirectory } from "../helpers.ts";

const figure = readFileSync(join(repositoryDirectory, "figures", "fig-1.png"));

describe("inspectImageBytes", () => {
  it("reads format, pixel size and the declared density of a PNG", async () => {
    const header = await inspectImageBytes(figure);
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
    expect(await inspectImageBytes(plain)).toEqual({ format: "jpeg", width: 40, height: 20 });
    // A JFIF APP0 segment after SOI declaring 150 dots per inch.
    const jfif = Buffer.from([
      0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x01, 0x00, 0x96, 0x00,
      0x96, 0x00, 0x00,
    ]);
    const withJfif = Buffer.concat([plain.subarray(0, 2), jfif, plain.subarray(2)]);
    expect(await inspectImageBytes(withJfif)).toEqual({
      format: "jpeg",
      width: 40,
      height: 20,
      density: 150,
    });
    await expect(inspectImageBytes(withJfif.subarray(0, withJfif.length - 2))).rejects.toThrow(
      /JPEG file is truncated/,
    );
  });

  it("rejects truncated files and bytes that are no image", async () => {
    await expect(inspectImageBytes(figure.subarray(0, 120))).rejects.toThrow(
      /PNG file is truncated/,
    );
    await expect(inspectImageBytes(Buffer.from("<html>not an image</html>"))).rejects.toThrow(
      /not an image file/,
    );
  });
});
