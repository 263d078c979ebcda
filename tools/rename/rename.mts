// npm run rename -- <new-name>: every spelling of the project's name (kebab, snake, camel, Title, UPPER) becomes the
// new name spelled alike, in the files rename-project.ts describes. Running it twice changes nothing.
import { fileURLToPath } from 'node:url';
import { nameProblem, renameProject } from './rename-project.ts';

const [newName, ...extra] = process.argv.slice(2);
if (!newName || extra.length) fail('usage: npm run rename -- <new-name>   (kebab-case, e.g. acme-shop)');
const problem = nameProblem(newName);
if (problem) fail(`rename: "${newName}" ${problem}`);

const root = fileURLToPath(new URL('../..', import.meta.url));
const { oldName, changes } = renameProject(root, newName);
if (changes.length === 0) {
  console.log(`rename: the project is already named ${newName}; nothing to change`);
} else {
  console.log(`rename: ${oldName} -> ${newName}`);
  for (const { path, count } of changes) console.log(`  ${path}: ${count} replaced`);
  console.log('Images built under the old name keep it; rebuild them (docker compose build).');
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}
