// The shell commands a Markdown document tells its reader to run: every line of its ```bash, ```sh and ```shell
// blocks, continuation lines joined, comments dropped, and `a && b` split into `a` and `b`. Used by
// docs-commands.spec.ts, which fails unless each one is run by .ci/run or by a named test.

export type DocCommand = { file: string; line: number; command: string };

const SHELL_FENCE = /^(\s*)(`{3,}|~{3,})\s*(bash|sh|shell)\s*$/;

/** The shell commands of one Markdown text, in order, with the line each starts on. */
export function extractCommands(markdown: string, file = '<markdown>'): DocCommand[] {
  const lines = markdown.split('\n');
  const commands: DocCommand[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = SHELL_FENCE.exec(lines[i]);
    if (!open) {
      // Skip the body of any other fenced block, so a ```bash inside a ````markdown example is not taken.
      const other = /^\s*(`{3,}|~{3,})/.exec(lines[i]);
      if (other) i = closingFence(lines, i, other[1]);
      continue;
    }
    const end = closingFence(lines, i, open[2]);
    let pending = '';
    let startLine = 0;
    for (let j = i + 1; j < end; j++) {
      const text = lines[j];
      if (pending === '') {
        if (/^\s*(#|$)/.test(text)) continue; // a comment line, often an answer shown as `# {...}`
        startLine = j + 1;
      }
      const withoutComment = stripComment(text).trimEnd();
      if (withoutComment.endsWith('\\')) {
        pending += withoutComment.slice(0, -1) + ' ';
        continue;
      }
      const logical = pending + withoutComment;
      pending = '';
      for (const command of splitCommands(logical)) commands.push({ file, line: startLine, command });
    }
    i = end;
  }
  return commands;
}

/** Index of the line closing the fence opened at `start` (the last line when it is never closed). */
function closingFence(lines: string[], start: number, fence: string): number {
  const marker = fence[0];
  for (let i = start + 1; i < lines.length; i++) {
    const match = /^\s*(`{3,}|~{3,})\s*$/.exec(lines[i]);
    if (match && match[1][0] === marker && match[1].length >= fence.length) return i;
  }
  return lines.length;
}

/** A line without its trailing `# comment`: a `#` after whitespace, outside quotes. */
export function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '\\') {
      i++;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) {
      return line.slice(0, i);
    }
  }
  return line;
}

/** `a && b; c || d` → `a`, `b`, `c`, `d` (outside quotes), each with its whitespace collapsed. */
export function splitCommands(line: string): string[] {
  const parts: string[] = [];
  let quote: string | undefined;
  let from = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === ';' || ((c === '&' || c === '|') && line[i + 1] === c)) {
      parts.push(line.slice(from, i));
      if (c !== ';') i++;
      from = i + 1;
    }
  }
  parts.push(line.slice(from));
  return parts.map(normalize).filter((part) => part !== '');
}

/** Whitespace collapsed, and shell line continuations joined, so a command compares equal however it is wrapped. */
export function normalize(text: string): string {
  return text.replace(/\\\n/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * Whether `source` (a script or a test file) contains `command` as a whole command: not merely as the start of a
 * longer word (`npm run dev` is not in `npm run dev:watch`), although arguments may follow (`npm test -- --json`).
 */
export function runsCommand(source: string, command: string): boolean {
  const escaped = normalize(command).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s;&|(\`'"])${escaped}($|[\\s;&|)\`'"])`).test(normalize(source));
}
