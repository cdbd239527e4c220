// Checks that every relative link in the guides and in this README points to
// a file that exists, so moving or renaming an example breaks the build
// instead of the documentation.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const docsDir = join(root, 'docs');
const pages = [
  ...readdirSync(docsDir)
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(docsDir, name)),
  join(root, 'examples', 'README.md'),
];

// Markdown links `[text](target)`, without web links and in-page anchors.
const LINK = /\[[^\]]*\]\(([^)\s]+)\)/g;

function relativeLinks(page: string): string[] {
  const text = readFileSync(page, 'utf8');
  return [...text.matchAll(LINK)]
    .map((match) => match[1] ?? '')
    .filter((target) => !/^[a-z]+:/i.test(target) && !target.startsWith('#'))
    .map((target) => target.split('#')[0] ?? '');
}

describe('documentation links', () => {
  it('finds the guides', () => {
    expect(pages.map((page) => page.slice(root.length + 1)).sort()).toEqual([
      'docs/jwt-to-oauth.md',
      'docs/migrating-from-python.md',
      'docs/testing-with-fakes.md',
      'docs/writing-an-authenticator.md',
      'examples/README.md',
    ]);
  });

  for (const page of pages) {
    it(`resolves every relative link in ${page.slice(root.length + 1)}`, () => {
      const missing = relativeLinks(page).filter(
        (target) => !existsSync(resolve(dirname(page), target)),
      );

      expect(missing).toEqual([]);
    });
  }
});
