import { fileURLToPath } from 'node:url';

// Tests import sibling packages from their sources, so a change in one
// package is seen by the others' tests without a rebuild. The built output
// is checked separately by publint, attw and the packed-tarball smoke test.
const packageNames = ['auth-core', 'auth-jwt', 'auth-oauth', 'connection', 'testing'];

export const workspaceAliases = Object.fromEntries(
  packageNames.map((name) => [
    `@umapi/${name}`,
    fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url)),
  ]),
);
