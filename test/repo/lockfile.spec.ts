import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// `npm ci` refuses a lock that lacks any platform's optional binary ("Missing: @swc/core-darwin-arm64 from lock
// file"), even on a platform that would never install it. A lock regenerated on one machine from an old lock can lose
// them; this catches it before CI, Docker or a user's clone does.
interface LockPackage {
  version?: string;
  optionalDependencies?: Record<string, string>;
}

const lock = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockPackage>;
};

/** Where npm would look for `name` required from the package at `path`: its own node_modules, then each parent's. */
function resolves(path: string, name: string): boolean {
  let dir = path;
  for (;;) {
    if (lock.packages[`${dir ? `${dir}/` : ''}node_modules/${name}`]) return true;
    if (!dir) return false;
    const parent = dir.lastIndexOf('/node_modules/');
    dir = parent < 0 ? '' : dir.slice(0, parent);
  }
}

describe('package-lock.json', () => {
  it('records every optional dependency of every package, for every platform', () => {
    const missing = Object.entries(lock.packages).flatMap(([path, pkg]) =>
      Object.keys(pkg.optionalDependencies ?? {})
        .filter((name) => !resolves(path, name))
        .map((name) => `${name} (optional for ${path || 'the root'})`),
    );
    expect(missing).toEqual([]);
  });

  it('has platform binaries beyond linux-x64, so the check above has something to hold', () => {
    expect(lock.packages['node_modules/@swc/core-darwin-arm64']).toBeDefined();
    expect(lock.packages['node_modules/@swc/core-win32-x64-msvc']).toBeDefined();
  });
});
