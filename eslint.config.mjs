import nx from '@nx/eslint-plugin';

// Module boundaries (CONVENTIONS.md 1 and 2): an app never imports another app, domain
// code imports no Nest and no I/O, contracts depend on nothing of ours, and every
// library is reached only through its index.ts.
export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/.nx', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          banTransitiveDependencies: false,
          depConstraints: [
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:contracts'], bannedExternalImports: ['@nestjs/*', '@nats-io/*', 'ioredis'] },
            { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:contracts', 'type:adapter', 'type:domain'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contracts', 'type:adapter', 'type:domain'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:contracts', 'type:adapter', 'type:domain', 'type:testing'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:app', 'type:contracts', 'type:adapter', 'type:domain', 'type:testing'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-function-type': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // an app's domain folder is pure (DESIGN.md: no Nest, no I/O), like the domain libs
    // that the module-boundaries rule above already covers by tag
    files: ['apps/*/src/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...['@bitcraps/messaging', '@bitcraps/service-kit', '@bitcraps/telemetry', '@bitcraps/testing'].map((name) => ({
              name,
              message: 'domain code does no I/O: call it from a handler or an adapter instead',
            })),
            ...['net', 'http', 'https', 'http2', 'dgram', 'dns', 'fs', 'fs/promises', 'child_process', 'cluster', 'worker_threads', 'tls'].flatMap((m) => [
              { name: m, message: 'domain code does no I/O' },
              { name: `node:${m}`, message: 'domain code does no I/O' },
            ]),
          ],
          patterns: [
            {
              group: ['@nestjs/*', '@nats-io/*', 'ioredis', 'express', '@opentelemetry/*', 'testcontainers'],
              message: 'domain code imports no Nest and no I/O library (DESIGN.md, CONVENTIONS.md 1)',
            },
          ],
        },
      ],
    },
  },
  {
    // tests may use the test harness from any project
    files: ['**/*.spec.ts', '**/test/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          depConstraints: [{ sourceTag: '*', onlyDependOnLibsWithTags: ['*'] }],
        },
      ],
    },
  },
  {
    // end-to-end tests start the real services, so they import each app's service
    // definition by path; nothing else may
    files: ['apps/e2e/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
];
