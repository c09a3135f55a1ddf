/** The Markdown parser: CommonMark plus GFM tables, YAML front matter and `:::` directives. */
import type { Root } from "mdast";
import remarkDirective from "remark-directive";
import remarkFrontmatter from "remark-frontmatter";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import { unified } from "unified";
import type { VFile } from "vfile";
import type { SectionParseCache } from "./section-cache.ts";

/** The frozen parser; `parse` gives an mdast tree with positions. */
export const manuscriptParser = unified()
  .use(remarkParse)
  .use(remarkGfm, { singleTilde: false })
  .use(remarkFrontmatter, ["yaml"])
  .use(remarkDirective)
  .freeze();

let sectionCache: SectionParseCache | undefined;

/**
 * Use `cache` for every parse in this process (a warm preview or watch process), or none with
 * undefined. The cache is keyed by section text alone, so it is right for any manuscript.
 */
export function useSectionCache(cache: SectionParseCache | undefined): void {
  sectionCache = cache;
}

const parseText = (text: string): Root => manuscriptParser.parse(text);

/** Parse a manuscript VFile into mdast (through the section cache, when one is in use). */
export function parseManuscript(file: VFile): Root {
  return sectionCache ? sectionCache.parse(String(file), parseText) : manuscriptParser.parse(file);
}
