import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import svelteConfig from './svelte.config.js';

export default ts.config(
  { ignores: ['dist/', 'node_modules/'] },
  js.configs.recommended,
  ...ts.configs.strict,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'], svelteConfig },
    },
  },
  {
    rules: {
      // Money is never a JavaScript number: parseFloat, Number() and toFixed are how
      // that slips in. money.ts works on BigInt minor units.
      'no-restricted-globals': ['error', 'parseFloat', 'isNaN'],
      'no-restricted-properties': [
        'error',
        { object: 'Number', property: 'parseFloat', message: 'money is a decimal string' },
        { property: 'toFixed', message: 'money is a decimal string; use money.ts' },
      ],
      'svelte/no-at-html-tags': 'error',
    },
  },
);
