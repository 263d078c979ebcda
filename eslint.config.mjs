// @ts-check
import { readdirSync } from 'node:fs';
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Every app folder, so an app added later (`npm run new:service`) is covered by the rule against cross-app imports. */
const APPS = readdirSync(`${import.meta.dirname}/apps`, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'coverage/**',
      '.tools/**',
      '.data/**',
      'apps/*/src/generated/**',
      'libs/contracts/src/grpc/generated/**',
      '**/*.js',
      '**/*.cjs',
      '**/*.mjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // A library is used through its index only. Deliberate second entry points: `@app/tracing/sdk`,
              // which must load before everything else (libs/tracing/src/sdk/index.ts), and `@app/<lib>/testing`,
              // test helpers kept out of the runtime index.
              regex: '^@app/(?!tracing/sdk$)(?![^/]+/testing$)[^/]+/.+',
              message: 'Import a library through its index (@app/<lib>), not a file inside it.',
            },
            {
              // Another app is two folders up at least (apps/<app>/src -> apps/<other>); one folder up is a sibling
              // in the same app or lib (libs/contracts/src/<service>, which new:service writes).
              regex: `(^|/)(apps|libs)/|^(\\.\\./){2,}(${APPS.join('|')})/`,
              message: 'Apps must not import each other, and libs are imported by alias (@app/<lib>), never by path.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests poke at internals and build fixtures loosely; the rules that guard production code stay on.
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
