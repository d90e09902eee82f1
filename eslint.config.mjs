import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier/flat';

// Module boundaries (STYLE.md "Boundaries"): every project carries scope:* and type:* tags.
// type:domain and type:contracts are pure: no framework, broker or database imports.
const infraPackages = ['@nestjs/*', 'mongoose', 'mongodb', 'kafkajs', 'node:sqlite', 'express', '@eventstore/*', '@kurrent/*'];
const contexts = ['intake', 'grid-dispatch', 'mediation', 'petitions', 'analytics'];

/** Dependency constraints; tests (`*.spec.ts`) may also use the shared test helpers (type:testing). */
function boundaries(forSpecs) {
  const t = (...tags) => (forSpecs ? [...tags, 'type:testing'] : tags);
  return {
    enforceBuildableLibDependency: false,
    banTransitiveDependencies: false,
    checkDynamicDependenciesExceptions: [],
    depConstraints: [
      // purity
      { sourceTag: 'type:domain', onlyDependOnLibsWithTags: t('type:domain'), bannedExternalImports: infraPackages },
      { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: t('type:domain', 'type:contracts'), bannedExternalImports: infraPackages },
      { sourceTag: 'type:infra', onlyDependOnLibsWithTags: t('type:domain', 'type:contracts', 'type:infra') },
      { sourceTag: 'type:platform', onlyDependOnLibsWithTags: t('type:domain', 'type:contracts', 'type:infra', 'type:platform') },
      { sourceTag: 'type:service', onlyDependOnLibsWithTags: t('type:domain', 'type:contracts', 'type:infra', 'type:platform', 'type:service') },
      { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:infra', 'type:platform', 'type:service', 'type:testing'] },
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:infra', 'type:platform', 'type:service', 'type:testing'] },
      { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['*'] },
      { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['*'] },
      // a context never imports another context; they meet in libs/contracts (scope:shared)
      ...contexts.map((c) => ({ sourceTag: `scope:${c}`, onlyDependOnLibsWithTags: [`scope:${c}`, 'scope:shared'] })),
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
      { sourceTag: 'scope:standalone', onlyDependOnLibsWithTags: ['*'] },
      { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['*'] },
      { sourceTag: 'scope:tooling', onlyDependOnLibsWithTags: ['*'] },
    ],
  };
}

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    ignores: ['**/dist', '**/node_modules', '.nx', '.local-servers', 'data', 'coverage', 'services/console/**'],
  },
  {
    // Type-aware rules. Each project's lint (`eslint <projectRoot>`) gets one TypeScript program: the
    // project service opens the nearest tsconfig.json, i.e. the project's own, never the whole repo's.
    // (`__probe__.ts`: the boundary rules' own spec lints code through stdin as a file no tsconfig has.)
    files: ['**/*.ts'],
    ignores: ['**/__probe__.ts', '**/__probe__.spec.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries(false)],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    // no-restricted-imports also covers node built-ins, which bannedExternalImports does not see
    files: ['libs/kernel/**/*.ts', 'libs/contracts/**/*.ts', 'libs/*/domain/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@nestjs/*', 'mongoose', 'mongodb', 'kafkajs', 'express', '@eventstore/*', '@kurrent/*'],
              message: 'Domain code stays pure: no framework, broker or database.',
            },
          ],
          paths: [
            { name: 'node:sqlite', message: 'Domain code stays pure: no database.' },
            { name: 'node:fs', message: 'Domain code stays pure: no I/O.' },
            { name: 'node:net', message: 'Domain code stays pure: no I/O.' },
          ],
        },
      ],
    },
  },
  {
    // `@fengqiao/<lib>/testing` (contract suites, fixtures, route matrix) is for specs, testing folders, e2e,
    // benches and tooling; production code never imports it. (The typescript-eslint variant of the rule, so
    // the purity rule above keeps its own options.)
    files: ['**/*.ts'],
    ignores: ['**/*.spec.ts', '**/testing/**', 'e2e/**', 'bench/**', 'tools/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@fengqiao/*/testing', '@fengqiao/*/testing/*'],
              message: 'Test helpers stay out of production code: import @fengqiao/<lib>/testing only from specs and testing folders.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/testing/**/*.ts', 'e2e/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@nx/enforce-module-boundaries': ['error', boundaries(true)],
    },
  },
  // layout is Prettier's (.prettierrc, npm run format:check): no lint rule may fight it
  prettier,
];
