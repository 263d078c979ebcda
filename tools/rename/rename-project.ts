// The work behind `npm run rename -- <new-name>` (rename.mts). The name is carried by package.json and the lock file's
// own name fields, the images and CI build tags, each app's default service.name (`<name>-gateway`, ...) and the
// Prometheus jobs that must match it, the Grafana provider, the README title and the API description.
//
// The `@app/<lib>` import aliases stay: they are Nest CLI's convention for a monorepo's libraries (`nest g library`
// writes them), not an npm scope. Path aliases of one private package never reach a registry, so they cannot collide
// with another company's packages; keeping them keeps the imports, lint rules and Nest CLI defaults as documented.
import { lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Installed, built or generated, never edited: the Prisma clients in apps/<app>/src/generated are regenerated. */
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', '.tools', 'dist', 'coverage', '.data']);
const SKIPPED_PATHS = [/^apps\/[^/]+\/src\/generated$/, /^bench\/results\/tmp$/];

/**
 * Why a name cannot be the project's, or undefined when it can. Kebab-case meets npm's package name rules (lowercase,
 * URL-safe, no leading dot or underscore, no spaces) and suits image names, Prometheus jobs and service.name prefixes.
 * Two words at least: a one-word name ("shop") cannot be told from the same word in code and docs by a later rename.
 */
export function nameProblem(name: string): string | undefined {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)+$/.test(name)) {
    return 'is not a kebab-case name of two words or more (lowercase letters and digits, starting with a letter, joined by single hyphens), such as acme-shop';
  }
  if (name.length > 50) return 'is longer than 50 characters (it prefixes image and service names)';
  return undefined;
}

type WordCase = 'lower' | 'upper' | 'title';

function caseOf(word: string): WordCase {
  if (word === word.toLowerCase()) return 'lower';
  return word === word.toUpperCase() && word.length > 1 ? 'upper' : 'title';
}

function inCase(word: string, wordCase: WordCase): string {
  if (wordCase === 'upper') return word.toUpperCase();
  return wordCase === 'title' ? word.charAt(0).toUpperCase() + word.slice(1) : word;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Every spelling of a kebab-case name: the words in lower, Title or UPPER case, joined by one of `-`, `_`, `.`, a
 * space or nothing (acme-shop, ACME_SHOP, acmeShop, Acme Shop, ...), but not glued to a longer word (`xacme-shop`).
 */
export function spellingPattern(name: string): RegExp {
  const words = name.split('-').map((word) => {
    const spellings = new Set([word, inCase(word, 'title'), word.toUpperCase()]);
    return `(?:${[...spellings].map(escape).join('|')})`;
  });
  const [first, ...rest] = words;
  // The first separator is captured and the others must repeat it: one spelling, not a mix. One word: an empty group.
  const joined = rest.length ? rest.map((word, i) => (i === 0 ? `([-_. ]?)${word}` : `\\1${word}`)).join('') : '()';
  return new RegExp(`(?<![A-Za-z0-9])${first}${joined}(?![a-z0-9])`, 'g');
}

/** `text` with every spelling of `oldName` replaced by `newName` spelled the same way, and how many were found. */
export function renameInText(text: string, oldName: string, newName: string): { text: string; count: number } {
  let count = 0;
  const newWords = newName.split('-');
  const renamed = text.replace(spellingPattern(oldName), (match: string, separator: string) => {
    count++;
    // The case of each old word, the last one's for the new words beyond them.
    const cases = (separator ? match.split(separator) : splitJoined(match, oldName)).map(caseOf);
    return newWords.map((word, i) => inCase(word, cases[Math.min(i, cases.length - 1)] ?? 'lower')).join(separator);
  });
  return { text: renamed, count };
}

/** The words of a spelling written without separators (acmeShop), by the old name's word lengths. */
function splitJoined(match: string, oldName: string): string[] {
  let at = 0;
  return oldName.split('-').map((word) => match.slice(at, (at += word.length)));
}

/** The project's files, relative to `root`, that may carry its name: no symlinks, nothing installed or built. */
export function projectFiles(root: string, dir = root): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      const relativePath = relative(root, path).split(sep).join('/');
      const stat = lstatSync(path);
      const skipped = SKIPPED_DIRECTORIES.has(entry) || SKIPPED_PATHS.some((pattern) => pattern.test(relativePath));
      if (stat.isDirectory()) return skipped ? [] : projectFiles(root, path);
      return stat.isFile() ? [relativePath] : [];
    });
}

/** Renames the project in `root`; running it again with the same name changes nothing. */
export function renameProject(root: string, newName: string) {
  const { name: oldName } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string };
  const changes: { path: string; count: number }[] = [];
  for (const path of projectFiles(root)) {
    const content = readFileSync(join(root, path));
    if (content.includes(0)) continue; // binary
    const before = content.toString('utf8');
    const { text, count } =
      path === 'package-lock.json' ? renameLockFile(before, newName) : renameFile(path, before, oldName, newName);
    if (count > 0 && text !== before) {
      writeFileSync(join(root, path), text);
      changes.push({ path, count });
    }
  }
  return { oldName, newName, changes };
}

function renameFile(path: string, text: string, oldName: string, newName: string): { text: string; count: number } {
  const renamed = oldName === newName ? { text, count: 0 } : renameInText(text, oldName, newName);
  // The README's title is the project's name as people write it (words and capitals of their choice), not always a
  // spelling of the package name; the README is the one place that spells it so, in its first line (`# Title`).
  const title = path === 'README.md' ? /^# (.+)$/.exec(renamed.text.split('\n')[0] ?? '')?.[1]?.trim() : undefined;
  if (!title || title === newName) return renamed;
  const titlePattern = new RegExp(escape(title), 'gi');
  const occurrences = renamed.text.match(titlePattern)?.length ?? 0;
  return { text: renamed.text.replace(titlePattern, newName), count: renamed.count + occurrences };
}

/** Only the lock file's own name fields: its dependency entries are npm's, keyed by other packages' names. */
function renameLockFile(text: string, newName: string): { text: string; count: number } {
  const lock = JSON.parse(text) as { name?: string; packages?: Record<string, { name?: string }> };
  const owners = [lock, lock.packages?.['']].filter((owner) => owner !== undefined && owner.name !== newName);
  for (const owner of owners) owner!.name = newName;
  return { text: owners.length ? `${JSON.stringify(lock, null, 2)}\n` : text, count: owners.length };
}
