// Shared jest setup for every project: SWC transform (keeps decorator metadata for NestJS),
// path aliases from tsconfig.base.json mapped to each lib's src/index.ts.
const path = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias.replace(/[/\-]/g, (c) => `\\${c}`)}$`, path.join(__dirname, target)]),
);

/** @param {string} projectDir @param {object} [overrides] */
module.exports = function preset(projectDir, overrides = {}) {
  return {
    rootDir: projectDir,
    testEnvironment: 'node',
    transform: {
      '^.+\\.ts$': [
        '@swc/jest',
        {
          jsc: {
            parser: { syntax: 'typescript', decorators: true },
            transform: { legacyDecorator: true, decoratorMetadata: true },
            target: 'es2023',
            keepClassNames: true,
          },
          module: { type: 'commonjs' },
        },
      ],
    },
    moduleFileExtensions: ['ts', 'js', 'json'],
    moduleNameMapper,
    testMatch: ['<rootDir>/**/*.spec.ts'],
    // service specs drive real apps over HTTP; on 2 busy cores 5 s is too tight for a journey
    testTimeout: 30_000,
    setupFiles: [path.join(__dirname, 'jest.setup.js')],
    globalSetup: path.join(__dirname, 'jest.global-setup.js'),
    globalTeardown: path.join(__dirname, 'jest.global-teardown.js'),
    ...overrides,
  };
};
