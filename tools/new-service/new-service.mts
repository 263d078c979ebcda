// `npm run new:service -- <name>`: a new traced service, wired in like user and order. It writes apps/<name> and its
// contract (libs/contracts, its .proto included) from template/, real files with placeholders (naming.ts), and adds the
// service to services.json and to the files that cannot read it (edits.ts). Then it formats what it wrote and generates
// the Prisma client and the gRPC types, so lint, typecheck and the unit test pass at once, on every transport.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import * as edits from './edits.ts';
import { fillPlaceholders, invalidNameReason, namesOf, placeholders, reservedNames } from './naming.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const TEMPLATE = join(import.meta.dirname, 'template');

/** Each file that lists the services, and the edit that adds one: every export of edits.ts with a `file`. */
const EDITS = Object.values(edits).filter((value) => 'file' in value);

const name = process.argv[2];
const services = JSON.parse(read('libs/config/src/services.json')) as Record<string, edits.ServicePorts>;
const reason = invalidNameReason(name, Object.keys(services), reservedNames(ROOT));
if (reason || !name) fail(reason ?? 'no name');

const { name: project, version } = JSON.parse(read('package.json')) as { name: string; version: string };
const service: edits.NewService = { ...namesOf(name), ports: edits.nextPorts(services), project, version };
const values = placeholders(service, new Date());
const templates = readdirSync(TEMPLATE, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
const files = templates.map((entry) => {
  const template = join(entry.parentPath, entry.name);
  return { template, target: fillPlaceholders(relative(TEMPLATE, template), values).replace(/\.tpl$/, '') };
});
const existing = files.filter(({ target }) => existsSync(join(ROOT, target)));
if (existing.length) fail(`these files exist already: ${existing.map(({ target }) => target).join(', ')}`);

// Compute every edit before writing anything, so a file that is not as expected leaves the repository untouched.
const edited = EDITS.map((edit) => [edit.file, edit(read(edit.file), service)] as const);
for (const { template, target } of files) {
  mkdirSync(dirname(join(ROOT, target)), { recursive: true });
  writeFileSync(join(ROOT, target), fillPlaceholders(readFileSync(template, 'utf8'), values));
}
for (const [file, text] of edited) writeFileSync(join(ROOT, file), text);

const written = [...files.map(({ target }) => target), ...edited.map(([file]) => file)];
// Long names make long lines; let Prettier wrap them as it does everywhere else. (Migrations are ignored by it.)
run(['node_modules/prettier/bin/prettier.cjs', '--write', '--ignore-unknown', '--log-level', 'warn', ...written]);
run(['tools/prisma-generate.mts']);
// The TypeScript types of its .proto, which proto-compat.ts checks against the contract.
execFileSync('npm', ['run', '--silent', 'proto:generate'], { cwd: ROOT, stdio: 'inherit' });

console.log(`Created the ${name} service (HTTP ${service.ports.httpPort}, RPC ${service.ports.rpcPort}):`);
for (const file of written) console.log(`  ${existsSync(join(ROOT, file)) ? file : `${file} (missing?)`}`);
console.log(`
Next:
  npm run build && npm test         build it and run its unit test with the others
  npm run dev                       run everything; then POST http://localhost:3000/${name} {"name":"first"}
                                    and find the trace in Jaeger (docker compose up) under service "${name}"
  Replace the example (${service.pascal}Item) with your model: edit apps/${name}/prisma/schema.prisma, then
  npm run db:migration:new -- ${name} <migration_name>
  Every transport works as is. A pattern you add needs its signature in libs/contracts/src/grpc/proto-compat.ts and
  its rpc in ${service.snake}.proto, then npm run proto:generate (the build fails until they agree).`);

function read(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8');
}

function run(args: string[]): void {
  execFileSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
}

function fail(message: string): never {
  console.error(`new:service: ${message}`);
  process.exit(1);
}
