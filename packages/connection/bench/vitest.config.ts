import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../../../vitest.shared.js';

// Benchmarks run as vitest files so they import sibling packages from source,
// like the tests. One fork with --expose-gc, so memory readings can start
// from a collected heap.
export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    include: ['bench/**/*.measure.ts'],
    testTimeout: 600_000,
    pool: 'forks',
    fileParallelism: false,
    execArgv: ['--expose-gc'],
  },
});
