import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../../../vitest.shared.js';

// Measurements run as vitest files in one fork with --expose-gc, so memory
// readings can start from a collected heap.
export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    include: ['bench/**/*.measure.ts'],
    testTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
    execArgv: ['--expose-gc'],
  },
});
