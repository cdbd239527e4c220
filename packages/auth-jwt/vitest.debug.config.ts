import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.js';

// Runs the NODE_DEBUG fixture, which redaction.test.ts starts in a child
// process because debuglog reads NODE_DEBUG only at process start.
export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    include: ['src/test-debug-output.ts'],
    testTimeout: 20_000,
  },
});
