import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.js';

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    include: ['src/**/*.test.ts'],
    // Each test starts the command as a child process, and a loaded 2-core
    // machine can take tens of seconds to start several of them at once.
    testTimeout: 60_000,
  },
});
