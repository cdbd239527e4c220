import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (name: string) => readFileSync(`${root}${name}`, 'utf8');

// The README is read on npm, where only the entries of `files` exist: a link to
// a file left out of the package is broken there, though it works on GitHub.
it('publishes every file the README links to', () => {
  const files = (JSON.parse(read('package.json')) as { files: string[] }).files;
  const published = new Set(files.filter((entry) => !entry.startsWith('!')));
  const links = [...read('README.md').matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
    .map((match) => match[1] as string)
    .filter((target) => !/^[a-z]+:/i.test(target));

  expect(links).toContain('docs/actions-and-rate-limits.md');
  for (const target of links) {
    expect(existsSync(`${root}${target}`), target).toBe(true);
    const topLevel = target.replace(/^\.\//, '').split('/')[0] as string;
    expect(published.has(topLevel) || published.has(target), `${target} is not in files`).toBe(true);
  }
});
