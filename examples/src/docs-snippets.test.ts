// Type-checks every TypeScript snippet of the guides in docs/ under the
// examples' strict compiler options, so a snippet a reader copies compiles
// (for example, no `string | undefined` from process.env passed as a string).
// A `diff` block of TypeScript is checked on both sides: before and after.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const examplesDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const docsDir = join(examplesDir, '..', 'docs');

interface Snippet {
  /** `guide.md:line` with the line of the opening fence, plus `(before)` or `(after)` for a diff side. */
  name: string;
  code: string;
}

// Declarations for names that a snippet takes from the text or from an earlier
// snippet of the same guide, keyed by the snippet's first code line.
const IMPORTS_FOR_FAKES =
  "import { OAuthS2S } from '@umapi/auth-oauth';\n" +
  "import { JWTAuth } from '@umapi/auth-jwt';\n" +
  "import { Connection } from '@umapi/connection';\n" +
  "import { type FakeIms, type FakeUmapi, startFakeIms, startFakeUmapi } from '@umapi/testing';\n";
const PRELUDES: Record<string, string> = {
  "import { after, before, describe, it } from 'node:test';": IMPORTS_FOR_FAKES,
  'const umapi = await startFakeUmapi({': `${IMPORTS_FOR_FAKES}declare const ims: FakeIms;\n`,
  'const oauth = new OAuthS2S(await ims.createOAuthCredentials());': `${IMPORTS_FOR_FAKES}declare const ims: FakeIms;\n`,
  'umapi.failNext({ status: 429, retryAfter: 0 });                   // throttled, retry at once':
    `${IMPORTS_FOR_FAKES}declare const ims: FakeIms;\ndeclare const umapi: FakeUmapi;\n`,
  'const request = umapi.requests.at(-1);': `${IMPORTS_FOR_FAKES}declare const ims: FakeIms;\ndeclare const umapi: FakeUmapi;\n`,
  'const ims = await startFakeIms({ https: true });': IMPORTS_FOR_FAKES,
  "import { createAuthenticator } from '@umapi/auth-core';":
    'declare const myTokenSource: {\n  get(options: { signal?: AbortSignal }): Promise<{ token: string; expiresInSeconds: number }>;\n};\n',
};

// Snippets that show only the shape of a larger file: each names the runnable file that contains all of it.
const SKETCHES: Record<string, string> = {
  'class SidecarAuthenticator implements Authenticator {': 'examples/src/sidecar-authenticator.ts',
};

function readSnippets(): Snippet[] {
  const snippets: Snippet[] = [];

  for (const file of readdirSync(docsDir).filter((name) => name.endsWith('.md'))) {
    const lines = readFileSync(join(docsDir, file), 'utf8').split('\n');
    for (let index = 0; index < lines.length; index++) {
      const fence = /^```(\w+)\s*$/.exec(lines[index] ?? '');
      if (fence === null) {
        continue;
      }

      const start = index + 1;
      let end = start;
      while (end < lines.length && lines[end] !== '```') {
        end++;
      }

      const body = lines.slice(start, end);
      const name = `${file}:${index + 1}`;
      if (fence[1] === 'ts' || fence[1] === 'typescript') {
        snippets.push({ name, code: body.join('\n') });
      } else if (fence[1] === 'diff' && body.some((line) => /^[ +-]?import /.test(line))) {
        snippets.push({ name: `${name} (before)`, code: diffSide(body, '-') });
        snippets.push({ name: `${name} (after)`, code: diffSide(body, '+') });
      }

      index = end;
    }
  }

  return snippets;
}

/** Extracts one side of a unified diff: context lines and the lines marked `marker`. */
function diffSide(lines: readonly string[], marker: '-' | '+'): string {
  return lines
    .filter((line) => line === '' || line.startsWith(' ') || line.startsWith(marker))
    .map((line) => line.slice(1))
    .join('\n');
}

/** Type-checks the snippets in one program and returns the error text of each snippet that fails. */
function typeCheck(snippets: readonly Snippet[]): Map<string, string> {
  const config = ts.getParsedCommandLineOfConfigFile(join(examplesDir, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (config === undefined) {
    throw new Error('examples/tsconfig.json could not be read');
  }

  // Virtual files inside src/, so module resolution and "type": "module" apply as to the examples.
  const files = new Map(snippets.map((snippet, index) => [join(examplesDir, 'src', `docs-snippet-${index}.ts`), snippet]));
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (path) => files.get(path)?.code ?? readFile(path);
  host.fileExists = (path) => files.has(path) || fileExists(path);
  host.getSourceFile = (path, language, onError, create) => {
    const snippet = files.get(path);
    return snippet === undefined
      ? getSourceFile(path, language, onError, create)
      : ts.createSourceFile(path, snippet.code, language, true, ts.ScriptKind.TS);
  };

  const program = ts.createProgram([...files.keys()], { ...config.options, noEmit: true }, host);
  const failures = new Map<string, string>();
  for (const [path, snippet] of files) {
    const source = program.getSourceFile(path);
    const diagnostics = source === undefined ? [] : [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    if (diagnostics.length > 0) {
      failures.set(snippet.name, ts.formatDiagnostics(diagnostics, { ...host, getNewLine: () => '\n', getCanonicalFileName: (name) => name }));
    }
  }

  return failures;
}

function withPrelude(snippet: Snippet): Snippet {
  const firstLine = snippet.code.split('\n')[0] ?? '';
  const prelude = PRELUDES[firstLine] ?? '';
  // `export {}` makes a snippet without imports a module, so its names do not clash with others.
  return { name: snippet.name, code: `${prelude}${snippet.code}\nexport {};\n` };
}

describe('guide snippets', () => {
  const snippets = readSnippets();
  const checked = snippets.filter((snippet) => SKETCHES[snippet.code.split('\n')[0] ?? ''] === undefined);

  it('finds the snippets', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(10);
    const names = snippets.map((snippet) => snippet.name);
    expect(names.filter((name) => /^jwt-to-oauth\.md:\d+ \(before\)$/.test(name))).toHaveLength(1);
    expect(names.filter((name) => /^jwt-to-oauth\.md:\d+ \(after\)$/.test(name))).toHaveLength(1);
  });

  it('names an existing file for each sketch', () => {
    for (const file of Object.values(SKETCHES)) {
      expect(existsSync(join(examplesDir, '..', file)), file).toBe(true);
    }
  });

  it('type-checks every snippet under strict', () => {
    const failures = typeCheck(checked.map(withPrelude));

    expect(Object.fromEntries(failures)).toEqual({});
  }, 120_000);
});
