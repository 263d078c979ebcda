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
 * The repository's files as the user has them: tracked ones, and untracked ones that are not ignored (a service just
 * generated and not yet committed, say). A tracked file deleted in the working tree is left out. Not the links to the
 * installed packages (a worktree's node_modules may be an untracked symlink, which the `node_modules/` ignore rule
 * does not match).
 */
export function workTreeFiles(): string[] {
  const listing = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return listing
    .split('\0')
    .filter((file) => file !== '' && !LINKED.includes(file.split('/')[0]) && existsSync(join(ROOT, file)));
}

/**
 * A throwaway copy of the repository's work tree (workTreeFiles), with node_modules (and .tools, when there is one) linked to this checkout's. Commands that write into
 * the repository (`npm run dev` keeps its embedded databases in .data/ and rebuilds dist/, `npm run
 * db:migration:new` adds a migration) run there, so a test leaves the checkout as it found it.
 *
 * `generated`: also copy the generated Prisma clients (ignored by git), which building an app needs.
 */
export function copyRepo({ generated = false }: { generated?: boolean } = {}): RepoCopy {
  const dir = mkdtempSync(join(tmpdir(), 'repo-copy-'));
  try {
    for (const file of workTreeFiles()) {
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
