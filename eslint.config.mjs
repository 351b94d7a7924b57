import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['**/dist/**', '**/node_modules/**', '**/pkg/**', '**/target/**', '**/*.cjs', 'tools/**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // The lib graph is the architecture: protocol, crypto and audio stand alone,
      // ui may import protocol types only, and only apps wire pieces together.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'scope:protocol', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:crypto', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:audio', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:ui', onlyDependOnLibsWithTags: ['scope:protocol'] },
            { sourceTag: 'scope:session', onlyDependOnLibsWithTags: ['scope:protocol'] },
            // The encrypted-chat engine: MLS (crypto) driven over a session.
            { sourceTag: 'scope:chat', onlyDependOnLibsWithTags: ['scope:protocol', 'scope:crypto', 'scope:session'] },
            // Voice: Opus (audio) in SFrame (crypto) with keys from the channel's MLS group (chat).
            { sourceTag: 'scope:voice', onlyDependOnLibsWithTags: ['scope:protocol', 'scope:crypto', 'scope:audio', 'scope:chat'] },
            // The test harness drives real clients, so it may use every client-side lib.
            { sourceTag: 'scope:testing', onlyDependOnLibsWithTags: ['scope:protocol', 'scope:crypto', 'scope:session', 'scope:chat', 'scope:audio', 'scope:voice'] },
          ],
        },
      ],
    },
  },
  {
    // The test harness starts servers and browsers: production code never imports it.
    files: ['apps/*/src/**/*.{ts,tsx}', 'libs/*/src/**/*.{ts,tsx}'],
    ignores: ['**/*.test.ts', '**/*.test.tsx'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: '@lemon/testing', message: 'The test harness is for tests only.' }] }],
    },
  },
];
