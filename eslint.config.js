// Lint enforces the layers (as VS Code does), so the architecture does not depend on review:
//   shared/   the contract and domain types: no Node, no DOM framework, no Electron, nothing outside shared/
//   core/     plain Node services: never Electron, React, the hosts or the plugins (they are injected)
//   plugins/  mechanisms and delivery managers: shared/ only (plus their own libraries), never core or hosts
//   renderer/ React UI: shared/ only, no Node built-ins, no Electron, no core
//   host/     the browser host: core, shared and plugins, never Electron or the renderer
//   electron/ the shell: the only place that may import 'electron'
// Beyond the layers: every promise in TypeScript is awaited, returned or handed on with `void` on
// purpose (type-aware, through the project's tsconfig), and the renderer keeps the rules of hooks.
import tseslint from 'typescript-eslint';

// The hooks plugin is a dev dependency that may not be installed yet: lint still runs without it, and says so.
const reactHooks = await import('eslint-plugin-react-hooks').then(
  (module) => module.default,
  () => {
    console.warn('eslint-plugin-react-hooks is not installed, so the renderer\'s hooks are not checked: npm install --save-dev eslint-plugin-react-hooks');
    return undefined;
  },
);

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'net', 'tls', 'http', 'https', 'crypto', 'events', 'stream', 'url', 'util'];
const electron = { group: ['electron', 'electron/*', 'electron-store'], message: 'Only the Electron shell (electron/) may use Electron.' };
const folder = (name, why) => ({ group: [`**/${name}/**`, `**/${name}`], message: why });

const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  {
    files: ['**/*.{ts,tsx,mjs,js}'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2023, sourceType: 'module' },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['*/lint-probe.ts', 'renderer/src/lint-probe.tsx'] }, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  ...(reactHooks
    ? [
        {
          files: ['renderer/**/*.{ts,tsx}'],
          plugins: { 'react-hooks': reactHooks },
          rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
        },
      ]
    : []),
  {
    files: ['shared/**'],
    rules: restrict(
      electron,
      { group: nodeBuiltins, message: 'shared/ runs in every layer, the renderer included: no Node built-ins.' },
      { group: ['react', 'react-dom', 'zustand'], message: 'shared/ has no UI.' },
      folder('core', 'shared/ is the innermost layer.'),
      folder('plugins', 'shared/ is the innermost layer.'),
      folder('renderer', 'shared/ is the innermost layer.'),
      folder('host', 'shared/ is the innermost layer.'),
    ),
  },
  {
    files: ['core/**'],
    rules: restrict(
      electron,
      { group: ['react', 'react-dom', 'zustand'], message: 'The core has no UI.' },
      folder('plugins', 'The core gets plugins injected by a host; it never imports them.'),
      folder('renderer', 'The core never imports the renderer.'),
      folder('host', 'The core never imports a host.'),
    ),
  },
  {
    files: ['plugins/**'],
    rules: restrict(
      electron,
      { group: ['react', 'react-dom', 'zustand'], message: 'Plugins have no UI.' },
      folder('core', 'Plugins talk to the core through shared/ interfaces only.'),
      folder('renderer', 'Plugins never import the renderer.'),
      folder('host', 'Plugins never import a host.'),
    ),
  },
  {
    files: ['renderer/**'],
    rules: {
      ...restrict(
        electron,
        { group: nodeBuiltins, message: 'The renderer has no Node: it reaches the core through the contract.' },
        folder('core', 'The renderer reaches the core through the IPC contract only.'),
        folder('plugins', 'The renderer never imports plugins.'),
        folder('host', 'The renderer never imports a host.'),
      ),
      'no-restricted-syntax': ['error', { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Message text is rendered as text, never as HTML.' }],
      'no-restricted-properties': ['error', { property: 'innerHTML', message: 'Render text, not HTML.' }],
    },
  },
  {
    files: ['host/**'],
    rules: restrict(electron, folder('renderer', 'The host serves the built renderer; it never imports it.')),
  },
  {
    files: ['electron/**'],
    rules: restrict(folder('renderer', 'The shell loads the built renderer; it never imports it.')),
  },
);
