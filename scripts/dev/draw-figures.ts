/**
 * Draws the four stand-in figures of the sample manuscript.
 *
 * The sample case report cannot ship the article's clinical photographs, radiographs or
 * micrographs, so each figure is a plainly schematic illustration with the same layout
 * (panels A and B where the legend has them). Everything is drawn as SVG and rendered to
 * PNG with sharp, at 300 dpi for a 3.5-inch column (1050 px wide).
 *
 * The output is byte-for-byte reproducible: textures come from a seeded PRNG, numbers are
 * written with fixed precision, lettering is drawn as stroked paths (so no installed font
 * can change the pixels) and the PNG carries no timestamp.
 *
 * Run: `npx tsx scripts/dev/draw-figures.ts [out-dir]` (default `figures/`).
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import sharp from "sharp";

/** Figure width in pixels: a 3.5-inch journal column at 300 dpi. */
export const FIGURE_WIDTH = 1050;

/** Resolution written into every PNG, in dots per inch (Elsevier: 300 dpi for halftones). */
export const FIGURE_DPI = 300;

/** One figure ready to render: its output file name and SVG source. */
export interface FigureDrawing {
  /** File name inside the output folder, e.g. `fig-1.png`. */
  readonly file: string;
  /** Width of the SVG canvas in pixels. */
  readonly width: number;
  /** Height of the SVG canvas in pixels. */
  readonly height: number;
  /** Complete SVG document. */
  readonly svg: string;
}

/** A source of uniform numbers in [0, 1). */
type Random = () => number;

/**
 * Returns a small seeded PRNG (mulberry32), so every texture is the same on every run.
 * @param seed Any 32-bit integer.
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Formats a coordinate with one decimal, so the SVG text never depends on float noise. */
function n(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return Object.is(rounded, -0) ? "0" : String(rounded);
}

/** A uniform number in [min, max). */
function between(random: Random, min: number, max: number): number {
  return min + (max - min) * random();
}

/**
 * A closed, smoothly irregular outline around a centre: an ellipse whose radius wobbles.
 * The points are joined with quadratic curves through their midpoints.
 */
function blobPath(
  random: Random,
  cx: number,
  cy: number,
  rx: number,
  ry: number,
  wobble: number,
  points = 14,
): string {
  const corners: Array<readonly [number, number]> = [];
  const turn = random() * Math.PI * 2;
  for (let i = 0; i < points; i += 1) {
    const angle = turn + (i / points) * Math.PI * 2;
    const scale = 1 + wobble * (random() - 0.5) * 2;
    corners.push([cx + Math.cos(angle) * rx * scale, cy + Math.sin(angle) * ry * scale]);
  }
  const mid = (a: readonly [number, number], b: readonly [number, number]) =>
    [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2] as const;
  const first = corners[0]!;
  const last = corners[corners.length - 1]!;
  const start = mid(last, first);
  let d = `M${n(start[0])} ${n(start[1])}`;
  for (let i = 0; i < corners.length; i += 1) {
    const corner = corners[i]!;
    const next = corners[(i + 1) % corners.length]!;
    const end = mid(corner, next);
    d += `Q${n(corner[0])} ${n(corner[1])} ${n(end[0])} ${n(end[1])}`;
  }
  return `${d}Z`;
}

/** A jagged, angular splinter (a calcium spicule) pointing in a random direction. */
function splinterPath(random: Random, cx: number, cy: number, length: number): string {
  const angle = random() * Math.PI;
  const ux = Math.cos(angle);
  const uy = Math.sin(angle);
  const width = length * between(random, 0.18, 0.32);
  const tip = (sign: number) => [cx + (ux * length * sign) / 2, cy + (uy * length * sign) / 2];
  const side = (sign: number, at: number) => [
    cx + ux * length * at - uy * width * sign * between(random, 0.6, 1),
    cy + uy * length * at + ux * width * sign * between(random, 0.6, 1),
  ];
  const outline = [tip(1), side(1, 0.2), side(1, -0.15), tip(-1), side(-1, -0.25), side(-1, 0.1)];
  return `M${outline.map(([x, y]) => `${n(x ?? 0)} ${n(y ?? 0)}`).join("L")}Z`;
}

/**
 * Stroke outlines of the capital letters the figures need, on a grid 12 units tall.
 * Drawing letters as paths keeps the pixels independent of the fonts installed.
 */
const GLYPHS: Readonly<Record<string, { readonly width: number; readonly d: string }>> = {
  A: { width: 8, d: "M0 12L4 0L8 12M1.4 7.8H6.6" },
  B: {
    width: 7.5,
    d: "M0 0V12M0 0H4.3Q7.3 0 7.3 3Q7.3 6 4.3 6H0M4.3 6Q7.8 6 7.8 9Q7.8 12 4.3 12H0",
  },
  I: { width: 0, d: "M0 0V12" },
  L: { width: 6.5, d: "M0 0V12H6.5" },
  N: { width: 7.5, d: "M0 12V0L7.5 12V0" },
  O: { width: 8.5, d: "M4.25 0Q8.5 0 8.5 6Q8.5 12 4.25 12Q0 12 0 6Q0 0 4.25 0Z" },
  R: { width: 7.5, d: "M0 12V0H4.3Q7.5 0 7.5 3Q7.5 6 4.3 6H0M3.8 6L7.5 12" },
  S: {
    width: 7.5,
    d: "M7.3 2Q6.3 0 3.8 0Q0.3 0 0.3 3Q0.3 5.6 3.8 6Q7.5 6.4 7.5 9Q7.5 12 3.7 12Q0.8 12 0 9.9",
  },
  T: { width: 8, d: "M0 0H8M4 0V12" },
  U: { width: 7.5, d: "M0 0V8Q0 12 3.75 12Q7.5 12 7.5 8V0" },
};

/** Width of a word in glyph units, for layout. */
function wordWidth(word: string, tracking: number): number {
  let width = 0;
  for (const letter of word) {
    width += (GLYPHS[letter]?.width ?? 6) + tracking;
  }
  return width - tracking;
}

/**
 * Draws a word in capitals as stroked paths.
 * @param x Left edge in pixels.
 * @param y Top edge in pixels.
 * @param height Cap height in pixels.
 */
function lettering(
  word: string,
  x: number,
  y: number,
  height: number,
  color: string,
  weight: number,
  tracking = 3,
): string {
  const scale = height / 12;
  let cursor = 0;
  const parts: string[] = [];
  for (const letter of word) {
    const glyph = GLYPHS[letter];
    if (glyph === undefined) throw new Error(`No glyph for "${letter}"`);
    parts.push(`<path transform="translate(${n(cursor)} 0)" d="${glyph.d}"/>`);
    cursor += glyph.width + tracking;
  }
  return (
    `<g transform="translate(${n(x)} ${n(y)}) scale(${scale})" fill="none" stroke="${color}" ` +
    `stroke-width="${(weight / scale).toFixed(2)}" ` +
    `stroke-linecap="round" stroke-linejoin="round">${parts.join("")}</g>`
  );
}

/** A panel letter (A, B) in a white box at the top left of a panel, as journals print them. */
function panelLetter(letter: string, x: number, y: number): string {
  const box = 50;
  const height = 28;
  const width = wordWidth(letter, 0) * (height / 12);
  return (
    `<rect x="${n(x)}" y="${n(y)}" width="${box}" height="${box}" fill="#ffffff"/>` +
    lettering(letter, x + (box - width) / 2, y + (box - height) / 2, height, "#000000", 4.6)
  );
}

/** The small "ILLUSTRATION" tag that marks every figure as a drawing, not a photograph. */
function illustrationTag(figureWidth: number, figureHeight: number): string {
  const height = 13;
  const tracking = 3.2;
  const textWidth = wordWidth("ILLUSTRATION", tracking) * (height / 12);
  const padX = 10;
  const padY = 8;
  const boxWidth = textWidth + padX * 2;
  const boxHeight = height + padY * 2;
  const x = figureWidth - boxWidth - 12;
  const y = figureHeight - boxHeight - 12;
  return (
    `<rect x="${n(x)}" y="${n(y)}" width="${n(boxWidth)}" height="${boxHeight}" rx="4" ` +
    `fill="#ffffff" fill-opacity="0.88" stroke="#333333" stroke-width="1"/>` +
    lettering("ILLUSTRATION", x + padX, y + padY, height, "#222222", 1.9, tracking)
  );
}

/** Wraps SVG body markup in a document of the given size. */
function svgDocument(width: number, height: number, defs: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}"><defs>${defs}</defs>` +
    `<rect width="${width}" height="${height}" fill="#ffffff"/>${body}</svg>`
  );
}

/** Panel geometry shared by the two-panel figures: two columns with a white gutter. */
const GUTTER = 10;
const PANEL_WIDTH = (FIGURE_WIDTH - GUTTER) / 2;

/**
 * Fig 1: the ulcers. A, medial view of the left lower leg with the large irregular calf ulcer
 * (granulating base, calcium spicules) and the round fibrinous ulcer above the malleolus.
 * B, close-up of an ulcer bed with chalky spicules.
 */
function drawUlcerFigure(): FigureDrawing {
  const width = FIGURE_WIDTH;
  const height = 640;
  const random = createRandom(0x1f1a);
  const skin = "#8c5b3d";

  const defs =
    `<clipPath id="panel-a"><rect width="${PANEL_WIDTH}" height="${height}"/></clipPath>` +
    `<clipPath id="panel-b"><rect width="${PANEL_WIDTH}" height="${height}"/></clipPath>` +
    `<linearGradient id="leg-shade" x1="0" x2="1" y1="0" y2="0">` +
    `<stop offset="0" stop-color="#6f4429"/><stop offset="0.45" stop-color="${skin}"/>` +
    `<stop offset="1" stop-color="#7a4c31"/></linearGradient>` +
    `<radialGradient id="bed" cx="0.5" cy="0.5" r="0.6">` +
    `<stop offset="0" stop-color="#b8404a"/><stop offset="1" stop-color="#7c1f29"/></radialGradient>` +
    `<radialGradient id="fibrin" cx="0.45" cy="0.45" r="0.6">` +
    `<stop offset="0" stop-color="#e6d38e"/><stop offset="1" stop-color="#c6a65e"/></radialGradient>`;

  // Panel A: the leg, knee at the top, foot at the bottom pointing right.
  const leg =
    "M330 -5C342 150 322 350 302 470C312 520 380 540 458 556C505 566 506 614 462 620" +
    "L232 626C182 626 170 592 188 560C204 502 200 470 194 440C160 332 98 250 118 120C123 62 138 22 148 -5Z";
  const bigUlcer = blobPath(random, 262, 262, 78, 50, 0.22, 18);
  const granules: string[] = [];
  for (let i = 0; i < 60; i += 1) {
    const angle = random() * Math.PI * 2;
    const radius = Math.sqrt(random());
    granules.push(
      `<circle cx="${n(262 + Math.cos(angle) * radius * 62)}" cy="${n(262 + Math.sin(angle) * radius * 38)}" ` +
        `r="${n(between(random, 2.5, 5.5))}"/>`,
    );
  }
  const spiculesA: string[] = [];
  for (let i = 0; i < 11; i += 1) {
    const angle = random() * Math.PI * 2;
    const radius = Math.sqrt(random()) * 0.8;
    spiculesA.push(
      `<path d="${splinterPath(random, 262 + Math.cos(angle) * radius * 62, 262 + Math.sin(angle) * radius * 38, between(random, 9, 17))}"/>`,
    );
  }
  const roundUlcer = blobPath(random, 258, 418, 28, 27, 0.06, 12);
  const panelA =
    `<g clip-path="url(#panel-a)"><rect width="${PANEL_WIDTH}" height="${height}" fill="#dfe7ec"/>` +
    `<rect y="560" width="${PANEL_WIDTH}" height="80" fill="#c9d4db"/>` +
    `<path d="${leg}" fill="url(#leg-shade)" stroke="#4a2c1a" stroke-width="2.5"/>` +
    `<ellipse cx="268" cy="494" rx="26" ry="18" fill="#9a6646" opacity="0.8"/>` +
    `<path d="M300 60C306 160 296 300 286 400" fill="none" stroke="#a87252" stroke-width="6" opacity="0.5"/>` +
    `<path d="${bigUlcer}" fill="url(#bed)" stroke="#4d141a" stroke-width="4"/>` +
    `<g fill="#cf5f68" opacity="0.75">${granules.join("")}</g>` +
    `<g fill="#f3ecd9" stroke="#c9bb94" stroke-width="1">${spiculesA.join("")}</g>` +
    `<path d="${roundUlcer}" fill="url(#fibrin)" stroke="#6e2424" stroke-width="4"/>` +
    `</g>${panelLetter("A", 12, 12)}`;

  // Panel B: close-up of the ulcer bed with chalky material extruding.
  const patches: string[] = [];
  for (let i = 0; i < 14; i += 1) {
    patches.push(
      `<path d="${blobPath(random, between(random, 0, PANEL_WIDTH), between(random, 0, height), between(random, 30, 80), between(random, 20, 60), 0.3, 10)}"/>`,
    );
  }
  const bedB = blobPath(random, 262, 340, 200, 160, 0.14, 20);
  const granulesB: string[] = [];
  for (let i = 0; i < 170; i += 1) {
    const angle = random() * Math.PI * 2;
    const radius = Math.sqrt(random()) * 0.9;
    granulesB.push(
      `<circle cx="${n(262 + Math.cos(angle) * radius * 175)}" cy="${n(340 + Math.sin(angle) * radius * 138)}" ` +
        `r="${n(between(random, 4, 9))}"/>`,
    );
  }
  const spiculesB: string[] = [];
  for (let i = 0; i < 26; i += 1) {
    const angle = random() * Math.PI * 2;
    const radius = Math.sqrt(random()) * 0.78;
    spiculesB.push(
      `<path d="${splinterPath(random, 262 + Math.cos(angle) * radius * 175, 340 + Math.sin(angle) * radius * 138, between(random, 22, 46))}"/>`,
    );
  }
  const panelB =
    `<g transform="translate(${PANEL_WIDTH + GUTTER} 0)"><g clip-path="url(#panel-b)">` +
    `<rect width="${PANEL_WIDTH}" height="${height}" fill="${skin}"/>` +
    `<g fill="#7a4c31" opacity="0.6">${patches.join("")}</g>` +
    `<path d="${bedB}" fill="url(#bed)" stroke="#4d141a" stroke-width="7"/>` +
    `<g fill="#d0616a" opacity="0.7">${granulesB.join("")}</g>` +
    `<g fill="#f6f0dc" stroke="#cdbf98" stroke-width="1.5">${spiculesB.join("")}</g>` +
    `</g>${panelLetter("B", 12, 12)}</g>`;

  return {
    file: "fig-1.png",
    width,
    height,
    svg: svgDocument(width, height, defs, panelA + panelB + illustrationTag(width, height)),
  };
}

/**
 * Fig 2: plain radiograph of the left leg: dark field, soft tissue, tibia and fibula, scattered
 * irregular soft tissue calcifications and a calcified vessel.
 */
function drawRadiographFigure(): FigureDrawing {
  const width = FIGURE_WIDTH;
  const height = 900;
  const random = createRandom(0x2a7c);

  const defs =
    `<filter id="soft" x="-5%" y="-5%" width="110%" height="110%"><feGaussianBlur stdDeviation="3"/></filter>` +
    `<filter id="slight" x="-20%" y="-20%" width="140%" height="140%"><feGaussianBlur stdDeviation="1.2"/></filter>` +
    `<linearGradient id="tissue" x1="0" x2="1" y1="0" y2="0">` +
    `<stop offset="0" stop-color="#2e2e2e"/><stop offset="0.25" stop-color="#4d4d4d"/>` +
    `<stop offset="0.75" stop-color="#4d4d4d"/><stop offset="1" stop-color="#2e2e2e"/></linearGradient>` +
    `<linearGradient id="bone" x1="0" x2="1" y1="0" y2="0">` +
    `<stop offset="0" stop-color="#e4e4e4"/><stop offset="0.2" stop-color="#b4b4b4"/>` +
    `<stop offset="0.8" stop-color="#b4b4b4"/><stop offset="1" stop-color="#e4e4e4"/></linearGradient>`;

  const tissue =
    "M330 -10C300 180 300 330 372 560C392 640 398 720 404 780C408 840 420 900 430 910" +
    "L640 910C652 860 660 800 664 760C676 640 720 500 746 300C760 170 748 60 740 -10Z";
  const tibia =
    "M448 -10L522 -10C526 200 520 500 528 700C534 760 556 800 566 842L432 842" +
    "C444 800 462 760 466 700C472 500 452 200 448 -10Z";
  const fibula =
    "M618 -10L644 -10C640 240 640 520 652 740C660 790 668 820 664 852L620 852" +
    "C626 820 630 790 628 740C620 520 614 240 618 -10Z";
  const calcifications: string[] = [];
  for (let i = 0; i < 48; i += 1) {
    // Keep marks inside the soft tissue outline, away from the bones.
    const y = between(random, 40, 820);
    const leftEdge = 330 + (y / 900) * 80;
    const rightEdge = 735 - (y / 900) * 70;
    let x = between(random, leftEdge + 20, rightEdge - 20);
    // Move marks that would fall on the tibia or fibula into the nearest soft tissue.
    if (x > 430 && x < 550)
      x = x < 490 ? between(random, leftEdge + 16, 420) : between(random, 562, 604);
    if (x > 606 && x < 660) x = between(random, 672, Math.max(676, rightEdge - 12));
    calcifications.push(
      `<path d="${blobPath(random, x, y, between(random, 4, 16), between(random, 3, 11), 0.45, 9)}" ` +
        `opacity="${n(between(random, 0.55, 0.95))}"/>`,
    );
  }
  const vessel = "M372 -10C366 160 380 330 400 470C414 570 420 680 424 800";
  const tracks =
    `<g fill="none" stroke="#e8e8e8" stroke-width="3" stroke-dasharray="14 7 5 9" opacity="0.85">` +
    `<path d="${vessel}"/><path d="${vessel}" transform="translate(9 2)"/></g>`;

  const body =
    `<rect width="${width}" height="${height}" fill="#0a0a0a"/>` +
    `<path d="${tissue}" fill="url(#tissue)" filter="url(#soft)"/>` +
    `<g filter="url(#soft)"><path d="${tibia}" fill="url(#bone)"/><path d="${fibula}" fill="url(#bone)"/>` +
    `<path d="M480 -10C484 220 478 500 488 700" fill="none" stroke="#9c9c9c" stroke-width="26" opacity="0.5"/>` +
    `<path d="M420 910C424 870 470 846 560 846C640 846 690 870 700 910Z" fill="#a8a8a8"/></g>` +
    `<g filter="url(#slight)">${tracks}<g fill="#f2f2f2">${calcifications.join("")}</g></g>` +
    `<rect x="40" y="36" width="44" height="52" fill="none" stroke="#d8d8d8" stroke-width="2"/>` +
    lettering("L", 52, 46, 32, "#e8e8e8", 4) +
    illustrationTag(width, height);

  return { file: "fig-2.png", width, height, svg: svgDocument(width, height, defs, body) };
}

/**
 * Fig 3: coronal T1-weighted MRI of both lower legs: bright fat and marrow, grey muscle, and a
 * dark curvilinear rim in the distal tibia on the image right (the patient's left).
 */
function drawMriFigure(): FigureDrawing {
  const width = FIGURE_WIDTH;
  const height = 760;
  const random = createRandom(0x3b11);

  const defs = `<filter id="mr" x="-5%" y="-5%" width="110%" height="110%"><feGaussianBlur stdDeviation="2.2"/></filter>`;

  /** One lower leg, centred on `cx`; `mirror` flips it so the fibulae sit laterally. */
  const legAt = (cx: number, mirror: boolean): string => {
    const s = mirror ? -1 : 1;
    const x = (dx: number) => n(cx + dx * s);
    const outline =
      `M${x(-150)} -10C${x(-170)} 200 ${x(-120)} 420 ${x(-96)} 620C${x(-90)} 680 ${x(-92)} 740 ${x(-96)} 770` +
      `L${x(104)} 770C${x(100)} 720 ${x(104)} 660 ${x(112)} 600C${x(140)} 420 ${x(176)} 200 ${x(160)} -10Z`;
    const muscle =
      `M${x(-128)} -10C${x(-146)} 200 ${x(-100)} 420 ${x(-76)} 610C${x(-70)} 680 ${x(-72)} 740 ${x(-76)} 770` +
      `L${x(84)} 770C${x(80)} 720 ${x(84)} 660 ${x(92)} 600C${x(120)} 420 ${x(154)} 200 ${x(138)} -10Z`;
    const tibia =
      `M${x(-72)} -10L${x(8)} -10C${x(10)} 240 ${x(4)} 480 ${x(14)} 620C${x(20)} 680 ${x(34)} 720 ${x(40)} 770` +
      `L${x(-96)} 770C${x(-88)} 720 ${x(-70)} 680 ${x(-60)} 620C${x(-50)} 480 ${x(-70)} 240 ${x(-72)} -10Z`;
    const fibula =
      `M${x(70)} -10L${x(92)} -10C${x(90)} 260 ${x(88)} 520 ${x(98)} 700L${x(100)} 770L${x(76)} 770` +
      `L${x(76)} 700C${x(68)} 520 ${x(66)} 260 ${x(70)} -10Z`;
    const fibres: string[] = [];
    for (let i = 0; i < 9; i += 1) {
      const dx = between(random, -100, 110);
      fibres.push(
        `<path d="M${x(dx)} 20C${x(dx + between(random, -20, 20))} 240 ${x(dx * 0.7)} 460 ${x(dx * 0.55)} 700"/>`,
      );
    }
    return (
      `<path d="${outline}" fill="#cfcfcf"/>` +
      `<path d="${muscle}" fill="#5c5c5c"/>` +
      `<g fill="none" stroke="#d2d2d2" stroke-width="3" opacity="0.45">${fibres.join("")}</g>` +
      `<path d="${tibia}" fill="#d9d9d9" stroke="#141414" stroke-width="11"/>` +
      `<path d="${fibula}" fill="#c9c9c9" stroke="#141414" stroke-width="7"/>`
    );
  };

  // The infarct: a serpiginous dark rim enclosing a geographic area in the distal tibia.
  const infarctCx = 722;
  const rim = blobPath(random, infarctCx, 632, 26, 74, 0.22, 16);
  const inner = blobPath(random, infarctCx, 630, 19, 62, 0.18, 12);

  const body =
    `<rect width="${width}" height="${height}" fill="#050505"/>` +
    `<g filter="url(#mr)">${legAt(300, true)}${legAt(750, false)}` +
    `<path d="${inner}" fill="#b8b8b8"/>` +
    `<path d="${rim}" fill="none" stroke="#121212" stroke-width="7"/></g>` +
    lettering("R", 40, 40, 30, "#e0e0e0", 3.6) +
    illustrationTag(width, height);

  return { file: "fig-3.png", width, height, svg: svgDocument(width, height, defs, body) };
}

/** Positions shared by the two stains, so panels A and B show the same section. */
interface SectionLayout {
  readonly collagen: readonly string[];
  readonly nuclei: ReadonlyArray<readonly [number, number, number, number, number]>;
  readonly deposits: readonly string[];
  readonly cracks: readonly string[];
  readonly vessels: ReadonlyArray<readonly [number, number, number]>;
  readonly surface: string;
}

/** Lays out a low-power section: ulcer surface at the top, dermis with collagen, nuclei, vessels and calcium. */
function sectionLayout(random: Random, size: number): SectionLayout {
  const collagen: string[] = [];
  for (let i = 0; i < 70; i += 1) {
    const y = between(random, 70, size);
    const x = between(random, -60, size);
    const span = between(random, 80, 200);
    const lift = between(random, -18, 18);
    collagen.push(
      `M${n(x)} ${n(y)}C${n(x + span / 3)} ${n(y + lift)} ${n(x + (2 * span) / 3)} ${n(y - lift)} ${n(x + span)} ${n(y + lift / 2)}`,
    );
  }
  const nuclei: Array<readonly [number, number, number, number, number]> = [];
  for (let i = 0; i < 420; i += 1) {
    // Denser near the ulcer surface, where inflammatory cells crowd.
    const y = 40 + random() ** 1.6 * (size - 40);
    nuclei.push([
      between(random, 0, size),
      y,
      between(random, 2.2, 4.2),
      between(random, 1.6, 2.8),
      between(random, 0, 180),
    ]);
  }
  const deposits: string[] = [];
  const cracks: string[] = [];
  const centres: Array<readonly [number, number, number, number]> = [
    [170, 230, 70, 46],
    [340, 300, 56, 64],
    [220, 400, 48, 34],
    [400, 150, 34, 26],
    [95, 360, 28, 22],
  ];
  for (const [cx, cy, rx, ry] of centres) {
    deposits.push(blobPath(random, cx, cy, rx, ry, 0.3, 14));
    for (let i = 0; i < 3; i += 1) {
      const x = cx + between(random, -rx, rx) * 0.6;
      const y = cy + between(random, -ry, ry) * 0.6;
      cracks.push(
        `M${n(x)} ${n(y)}l${n(between(random, -18, 18))} ${n(between(random, -14, 14))}l${n(between(random, -12, 12))} ${n(between(random, -10, 10))}`,
      );
    }
    for (let i = 0; i < 6; i += 1) {
      const angle = random() * Math.PI * 2;
      deposits.push(
        blobPath(
          random,
          cx + Math.cos(angle) * rx * between(random, 1.1, 1.5),
          cy + Math.sin(angle) * ry * between(random, 1.1, 1.5),
          between(random, 3, 8),
          between(random, 3, 7),
          0.3,
          8,
        ),
      );
    }
  }
  const vessels: Array<readonly [number, number, number]> = [];
  for (let i = 0; i < 7; i += 1) {
    vessels.push([
      between(random, 30, size - 30),
      between(random, 120, size - 30),
      between(random, 9, 16),
    ]);
  }
  const surface = `M0 0H${size}V${n(between(random, 48, 62))}C${n(size * 0.7)} ${n(between(random, 70, 90))} ${n(size * 0.35)} ${n(between(random, 30, 50))} 0 ${n(between(random, 56, 72))}Z`;
  return { collagen, nuclei, deposits, cracks, vessels, surface };
}

/** Colours of one stain. */
interface StainPalette {
  readonly background: string;
  readonly collagen: string;
  readonly surface: string;
  readonly nucleus: string;
  readonly deposit: string;
  readonly crack: string;
  readonly vesselWall: string;
  readonly blood: string;
}

/** Draws one stained panel from a shared layout. */
function stainedSection(layout: SectionLayout, palette: StainPalette, size: number): string {
  const nuclei = layout.nuclei
    .map(
      ([x, y, rx, ry, angle]) =>
        `<ellipse cx="${n(x)}" cy="${n(y)}" rx="${n(rx)}" ry="${n(ry)}" transform="rotate(${n(angle)} ${n(x)} ${n(y)})"/>`,
    )
    .join("");
  const vessels = layout.vessels
    .map(
      ([x, y, r]) =>
        `<circle cx="${n(x)}" cy="${n(y)}" r="${n(r)}" fill="${palette.blood}" stroke="${palette.vesselWall}" stroke-width="3.5"/>`,
    )
    .join("");
  return (
    `<rect width="${size}" height="${size}" fill="${palette.background}"/>` +
    `<g fill="none" stroke="${palette.collagen}" stroke-width="5" stroke-linecap="round" opacity="0.8">` +
    layout.collagen.map((d) => `<path d="${d}"/>`).join("") +
    `</g><path d="${layout.surface}" fill="${palette.surface}" opacity="0.9"/>` +
    vessels +
    `<g fill="${palette.nucleus}" opacity="0.85">${nuclei}</g>` +
    `<g fill="${palette.deposit}">${layout.deposits.map((d) => `<path d="${d}"/>`).join("")}</g>` +
    `<g fill="none" stroke="${palette.crack}" stroke-width="2" stroke-linecap="round">` +
    layout.cracks.map((d) => `<path d="${d}"/>`).join("") +
    `</g>`
  );
}

/**
 * Fig 4: the biopsy at low power, hematoxylin-eosin (A) and von Kossa (B), the calcium purple
 * in A and black in B.
 */
function drawHistologyFigure(): FigureDrawing {
  const width = FIGURE_WIDTH;
  const height = PANEL_WIDTH;
  const layout = sectionLayout(createRandom(0x4d05), PANEL_WIDTH);
  const hematoxylinEosin: StainPalette = {
    background: "#f5d3e2",
    collagen: "#e7a3c2",
    surface: "#d98bb5",
    nucleus: "#4f2f86",
    deposit: "#5a3b9e",
    crack: "#f5d3e2",
    vesselWall: "#c0578e",
    blood: "#e0485e",
  };
  const vonKossa: StainPalette = {
    background: "#f8e4e2",
    collagen: "#ecbdb9",
    surface: "#e4a7a7",
    nucleus: "#b2434f",
    deposit: "#141414",
    crack: "#f8e4e2",
    vesselWall: "#d78c8c",
    blood: "#e7a0a0",
  };
  const defs = `<clipPath id="histology-panel"><rect width="${PANEL_WIDTH}" height="${height}"/></clipPath>`;
  const body =
    `<g clip-path="url(#histology-panel)">${stainedSection(layout, hematoxylinEosin, PANEL_WIDTH)}</g>` +
    panelLetter("A", 12, 12) +
    `<g transform="translate(${PANEL_WIDTH + GUTTER} 0)">` +
    `<g clip-path="url(#histology-panel)">${stainedSection(layout, vonKossa, PANEL_WIDTH)}</g>` +
    `${panelLetter("B", 12, 12)}</g>` +
    illustrationTag(width, height);
  return { file: "fig-4.png", width, height, svg: svgDocument(width, height, defs, body) };
}

/** The SVG sources of all four figures, in figure order. Pure: no I/O. */
export function drawFigureSvgs(): FigureDrawing[] {
  return [drawUlcerFigure(), drawRadiographFigure(), drawMriFigure(), drawHistologyFigure()];
}

/**
 * Renders one SVG document to a 300-dpi PNG. Besides the pixels the PNG holds only the
 * resolution (pHYs and EXIF resolution tags) and sharp's sRGB profile: no timestamp, so equal
 * input gives equal bytes.
 */
export async function renderPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg))
    .flatten({ background: "#ffffff" })
    .withMetadata({ density: FIGURE_DPI })
    .png({ compressionLevel: 9, adaptiveFiltering: true })
    .toBuffer();
}

/**
 * Draws every figure into `outDir` (created if missing).
 * @returns The paths of the written PNG files, in figure order.
 */
export async function drawFigures(outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const figure of drawFigureSvgs()) {
    const target = path.join(outDir, figure.file);
    await writeFile(target, await renderPng(figure.svg));
    written.push(target);
  }
  return written;
}

/** The repository's `figures/` folder. */
export const DEFAULT_FIGURES_DIR = fileURLToPath(new URL("../../figures/", import.meta.url));

const invokedPath = process.argv[1];
if (
  invokedPath !== undefined &&
  import.meta.url === pathToFileURL(path.resolve(invokedPath)).href
) {
  const outDir = process.argv[2] ?? DEFAULT_FIGURES_DIR;
  for (const file of await drawFigures(outDir)) {
    process.stdout.write(`${path.relative(process.cwd(), file)}\n`);
  }
}
