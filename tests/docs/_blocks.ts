// The code blocks of the Markdown docs, as the docs test reads them (rules in docs/README.md):
// ```sh blocks run in order; `not-run: <reason>`, `expect-fail` and `background` after the
// language change that; `file=<path>` on any block writes its text to that file first.

/** How a block is marked in its fence's info string. */
export interface BlockMarks {
  /** Not run, and why. */
  notRun?: string;
  /** Must fail (exit status other than 0). */
  expectFail?: boolean;
  /** Started in the background (a server); stopped after the file's last block. */
  background?: boolean;
  /** Written to this path (relative to the project) before the next block runs. */
  file?: string;
}

/** One fenced code block of a Markdown file. */
export interface DocBlock {
  /** The Markdown file, relative to the project. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The language (`sh`, `yaml`, ...; empty when none). */
  lang: string;
  /** Its marks. */
  marks: BlockMarks;
  /** The text between the fences, indentation of the fence removed, ending with a newline. */
  text: string;
}

/** Marks a fence may carry after the language. */
export const KNOWN_MARKS = ["not-run", "expect-fail", "background", "file"] as const;

/**
 * The fenced code blocks of a Markdown text.
 * @param markdown the text
 * @param file its path, for messages
 * @returns the blocks in order
 * @throws Error for an unknown mark, `not-run` without a reason, or a fence never closed
 */
export function extractBlocks(markdown: string, file: string): DocBlock[] {
  const lines = markdown.split("\n");
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3})(`{3,}|~{3,})\s*([^`]*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      if (new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`).test(lines[j])) break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
    }
    if (j === lines.length) throw new Error(`${file}:${i + 1}: code block never closed`);
    const [lang = "", ...rest] = info.trim().split(/\s+/);
    blocks.push({
      file,
      line: i + 1,
      lang,
      marks: parseMarks(rest.join(" "), `${file}:${i + 1}`),
      text: body.length === 0 ? "" : `${body.join("\n")}\n`,
    });
    i = j;
  }
  return blocks;
}

function parseMarks(text: string, where: string): BlockMarks {
  const marks: BlockMarks = {};
  let rest = text.trim();
  while (rest !== "") {
    const notRun = /^not-run(?::\s*(.*))?$/.exec(rest);
    if (notRun) {
      if (!notRun[1]?.trim()) {
        throw new Error(`${where}: 'not-run' needs a reason: \`\`\`sh not-run: <why>`);
      }
      marks.notRun = notRun[1].trim();
      break;
    }
    const word = /^(\S+)\s*/.exec(rest)!;
    const [name, value] = word[1].split("=", 2);
    if (name === "expect-fail") marks.expectFail = true;
    else if (name === "background") marks.background = true;
    else if (name === "file" && value) marks.file = value;
    else {
      throw new Error(
        `${where}: unknown mark '${word[1]}' (known: ${
          KNOWN_MARKS.join(", ")
        }; see docs/README.md)`,
      );
    }
    rest = rest.slice(word[0].length);
  }
  return marks;
}

/**
 * Whether the docs test runs a block as shell commands.
 * @param block the block
 * @returns true for `sh` blocks not marked `not-run`
 */
export function runsAsShell(block: DocBlock): boolean {
  return block.lang === "sh" && block.marks.notRun === undefined;
}
