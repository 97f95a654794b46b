// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-artifacts/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'Only main/app/ may import electron.' }] },
      ],
    },
  },
  {
    files: ['main/app/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  // Rules that need the type checker. Each file is checked with the tsconfig.json nearest to it
  // (the root one, renderer/'s); main/app/ is outside the root one and has its own.
  {
    files: ['main/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts', 'renderer/**/*.{ts,tsx}'],
    ignores: ['main/app/**'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: ['main/app/**/*.ts'],
    languageOptions: {
      parserOptions: { project: './tsconfig.app.json', tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: ['main/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts', 'renderer/**/*.{ts,tsx}'],
    rules: {
      // A switch over a union handles every member, or says with `default:` what the rest do;
      // `default: return assertNever(x)` (main/util/assert-never.ts) makes a new member a
      // compile error as well.
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
);
