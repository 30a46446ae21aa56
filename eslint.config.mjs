import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'e2e/node_modules/**', '.tmp/**', 'test-results/**', 'dist-vsix/**', 'bench/data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
      curly: ['error', 'multi-line'],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'writable' } },
  },
  {
    // The engine is pure: the CLI, the server and the tests share it, so it may not know about editors or LSP.
    files: ['server/src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['vscode', 'vscode-*', 'vscode-languageserver*', 'vscode-languageclient*', 'vscode-jsonrpc*'], message: 'The engine must not depend on VS Code or the LSP.' },
          { group: ['**/lsp/**', '**/lsp', '**/cli/**', '**/cli', '**/client/**'], message: 'The engine must not import the server, CLI or client glue.' },
        ],
      }],
    },
  },
  {
    // A stdio language server's stdout is the transport.
    files: ['server/src/server.ts', 'server/src/lsp/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
);
