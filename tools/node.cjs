#!/usr/bin/env node
// Runs a command under a Node.js this project supports (>= 22.18: the OpenTelemetry SDK needs 22.15 and the tools
// need type stripping). On an older Node.js it first fetches Node 24 LTS from the npm registry into .tools/, so
// `npm install`, `npm run dev` and `npm test` work on a machine that has any recent Node.js and nothing else.
//
//   node tools/node.cjs <command...>
//
// Plain CommonJS on purpose: it must run on the old Node.js it replaces.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { delimiter, join } = require('node:path');

const [major, minor] = process.versions.node.split('.').map(Number);
const supported = major > 22 || (major === 22 && minor >= 18);
const [command, ...args] = process.argv.slice(2);

const env = supported ? process.env : { ...process.env, PATH: `${node24BinDir()}${delimiter}${process.env.PATH}` };
// Without a shell when given separate words, so a signal reaches the command itself and not a shell that may
// not pass it on; a single quoted string ("a && b") still runs in a shell.
const child =
  args.length > 0
    ? spawn(command, args, { stdio: 'inherit', env })
    : spawn(command, { stdio: 'inherit', shell: true, env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

function node24BinDir() {
  const platform = { win32: 'win' }[process.platform] || process.platform;
  const pkg = `node-${platform}-${process.arch}`;
  const prefix = join(__dirname, '..', '.tools', 'node24');
  const packageDir = join(prefix, 'node_modules', pkg);
  const binDir = process.platform === 'win32' ? packageDir : join(packageDir, 'bin');
  if (!existsSync(join(binDir, process.platform === 'win32' ? 'node.exe' : 'node'))) {
    console.error(`[node] Node.js ${process.version} is older than 22.18; fetching ${pkg}@24 into .tools/node24`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const args = [
      'install',
      '--prefix',
      prefix,
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--no-package-lock',
      `${pkg}@24`,
    ];
    const result = spawnSync(npm, args, { stdio: 'inherit', shell: process.platform === 'win32' });
    if (result.status !== 0) process.exit(result.status || 1);
  }
  return binDir;
}
