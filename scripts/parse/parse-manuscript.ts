/** The Markdown parser: CommonMark plus GFM tables, YAML front matter and `:::` directives. */
import type { Root } from "mdast";
import remarkDirective from "remark-directive";
import remarkFrontmatter from "remark-frontmatter";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import { unified } from "unified";
import type { VFile } from "vfile";

/** The frozen parser; `parse` gives an mdast tree with positions. */
export const manuscriptParser = unified()
  .use(remarkParse)
  .use(remarkGfm, { singleTilde: false })
  .use(remarkFrontmatter, ["yaml"])
  .use(remarkDirective)
  .freeze();

/** Parse a manuscript VFile into mdast. */
export function parseManuscript(file: VFile): Root {
  return manuscriptParser.parse(file);
}
