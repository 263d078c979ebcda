import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_NAME } from '../infra/stack-files';

const APPS = join(__dirname, '..', '..', 'apps');

/** The first statement of a file, comments and blank lines skipped. */
function firstStatement(source: string): string {
  const withoutComments = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return withoutComments.trim().split('\n')[0].trim();
}

/**
 * Instrumentations patch modules as they are required, so an app whose main.ts loads anything before its tracing
 * file is silently untraced (the SDK's load-order guard only catches it at run time). This runs over every folder in
 * apps/, so an app added later is held to the same rule.
 */
describe.each(readdirSync(APPS).filter((app) => existsSync(join(APPS, app, 'src', 'main.ts'))))('apps/%s', (app) => {
  const src = join(APPS, app, 'src');

  it('imports its tracing file first in main.ts', () => {
    expect(firstStatement(readFileSync(join(src, 'main.ts'), 'utf8'))).toBe("import './tracing';");
  });

  it('starts tracing from that file with the SDK entry point only', () => {
    const tracing = readFileSync(join(src, 'tracing.ts'), 'utf8');
    const imports = [...tracing.matchAll(/from '([^']+)'/g)].map(([, module]) => module);

    expect(imports).toEqual(['@app/tracing/sdk']);
    // The project's name first (package.json; `npm run rename` changes both): service.name is unique company-wide.
    expect(tracing).toMatch(new RegExp(`startTracing\\(\\{ serviceName: '${PROJECT_NAME}-${app}' \\}\\)`));
  });
});

describe(firstStatement.name, () => {
  it('skips comments and blank lines', () => {
    expect(firstStatement("// why\n\n/* more\n why */\nimport './tracing';\nimport 'x';")).toBe("import './tracing';");
  });

  it('sees an import placed before the tracing one', () => {
    expect(firstStatement("import { x } from '@nestjs/core';\nimport './tracing';")).not.toBe("import './tracing';");
  });
});
