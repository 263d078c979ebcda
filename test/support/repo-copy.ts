import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SERVICE_NAMES } from '@app/config';

const ROOT = join(__dirname, '..', '..');
const LINKED = ['node_modules', '.tools'];

export interface RepoCopy {
  dir: string;
  remove(): void;
}

/**
 * A throwaway copy of the repository, as a fresh clone has it (tracked files, and untracked ones that are not
 * ignored), with node_modules (and .tools, when there is one) linked to this checkout's. Commands that write into
 * the repository (`npm run dev` keeps its embedded databases in .data/ and rebuilds dist/, `npm run
 * db:migration:new` adds a migration) run there, so a test leaves the checkout as it found it.
 *
 * `generated`: also copy the generated Prisma clients (ignored by git), which building an app needs.
 */
export function copyRepo({ generated = false }: { generated?: boolean } = {}): RepoCopy {
  const dir = mkdtempSync(join(tmpdir(), 'repo-copy-'));
  try {
    const listing = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    // Not the links to the installed packages (a worktree's node_modules may be an untracked symlink, which the
    // `node_modules/` ignore rule does not match): they are linked below. A tracked file deleted in the working tree
    // is gone from a copy made from it too.
    const files = listing
      .split('\0')
      .filter((file) => file !== '' && !LINKED.includes(file.split('/')[0]) && existsSync(join(ROOT, file)));
    for (const file of files) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      cpSync(join(ROOT, file), join(dir, file));
    }
    for (const link of LINKED) {
      if (existsSync(join(ROOT, link))) symlinkSync(join(ROOT, link), join(dir, link));
    }
    if (generated) {
      for (const app of SERVICE_NAMES) {
        const client = join('apps', app, 'src', 'generated');
        if (!existsSync(join(ROOT, client))) throw new Error(`${client} is missing: run \`npm run build\` first`);
        cpSync(join(ROOT, client), join(dir, client), { recursive: true });
      }
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
