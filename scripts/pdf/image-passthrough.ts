/**
 * The per-renderer side of passing PNG figures through (see `png-passthrough.ts`): placeholders
 * for the page, kept by content so a batch that repeats a figure builds each one once, and the
 * swap back after printing.
 */
import { createHash, randomBytes } from "node:crypto";
import { readGuarded } from "../loaders/path-guard.ts";
import { replaceObjects } from "./pdf-splice.ts";
import {
  imageReplacements,
  type PassthroughPng,
  placeholderPng,
  readPassthroughPng,
  type ServedPlaceholder,
} from "./png-passthrough.ts";

/** How many figures' placeholders a renderer keeps. */
const CACHE_LIMIT = 64;

/** A figure's placeholder, by the hash of its bytes. */
interface CachedFigure {
  png: PassthroughPng;
  serial: number;
  placeholder: Uint8Array;
}

/** One document's use of the placeholders. */
export interface PassthroughJob {
  /**
   * The placeholder to give the page instead of the PNG at `path` (read through the path guard,
   * inside `root`), or null to load it as is.
   */
  placeholderFor(path: string, root: string): Promise<Uint8Array | null>;
  /**
   * Put the figures back into Chromium's PDF: the PDF and how many image objects now hold a
   * figure's own data, or null when a placeholder did not come out intact (print again without).
   */
  finish(raw: Uint8Array): { pdf: Uint8Array; passedThrough: number } | null;
}

/** The renderer's placeholders and their secret marker. */
export interface ImagePassthrough {
  /** Start a document. */
  job(): PassthroughJob;
  /** Placeholders built so far (work counter, for tests). */
  readonly placeholdersBuilt: number;
}

/** A passthrough with a fresh random secret, so no manuscript can forge a placeholder. */
export function createImagePassthrough(): ImagePassthrough {
  const secret = randomBytes(16);
  const cache = new Map<string, CachedFigure | null>();
  let serials = 0;
  let built = 0;

  const figureFor = (bytes: Uint8Array): CachedFigure | null => {
    const key = createHash("sha256").update(bytes).digest("hex");
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const png = readPassthroughPng(bytes);
    let figure: CachedFigure | null = null;
    if (png !== null) {
      const serial = ++serials;
      figure = { png, serial, placeholder: placeholderPng(png, secret, serial) };
      built++;
    }
    cache.set(key, figure);
    if (cache.size > CACHE_LIMIT) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    return figure;
  };

  return {
    get placeholdersBuilt() {
      return built;
    },
    job() {
      const served = new Map<number, ServedPlaceholder>();
      return {
        async placeholderFor(path, root) {
          if (!/\.png$/i.test(path)) return null;
          const read = await readGuarded(path, root, "image");
          if (!read.ok) return null;
          const figure = figureFor(read.bytes);
          if (figure === null) return null;
          served.set(figure.serial, { png: figure.png, serial: figure.serial });
          return figure.placeholder;
        },
        finish(raw) {
          if (served.size === 0) return { pdf: raw, passedThrough: 0 };
          const { replacements, found } = imageReplacements(raw, secret, [...served.values()]);
          if (found.size !== served.size) return null;
          const pdf = replaceObjects(raw, replacements);
          return pdf === null ? null : { pdf, passedThrough: replacements.length };
        },
      };
    },
  };
}
