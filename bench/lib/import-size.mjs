// Import time and installed size of @umapi/connection + @umapi/auth-jwt.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { formatBytes, formatMs, median, row, timeOnce } from './measure.mjs';

const run = promisify(execFile);
const benchDir = fileURLToPath(new URL('..', import.meta.url));
const ROOTS = ['@umapi/connection', '@umapi/auth-jwt'];
const REPEATS = 10;

export async function benchImportAndSize() {
  return [await benchImportTime(), await benchInstalledSize()];
}

async function benchImportTime() {
  const importScript = ROOTS.map((name) => `await import('${name}');`).join(' ');
  const baseline = [];
  const imports = [];

  // Alternate the two so that both see the same machine load. Each run is a
  // fresh process, so nothing is cached in memory between runs.
  for (let index = 0; index < REPEATS; index += 1) {
    baseline.push(await timeOnce(() => run(process.execPath, ['-e', '0'], { cwd: benchDir })));
    imports.push(
      await timeOnce(() =>
        run(process.execPath, ['--input-type=module', '-e', importScript], { cwd: benchDir }),
      ),
    );
  }

  const baselineMs = median(baseline);
  const importMs = median(imports);
  return row({
    name: 'import @umapi/connection + @umapi/auth-jwt (new process)',
    measured: `${formatMs(importMs)} (+${formatMs(importMs - baselineMs)})`,
    baseline: `node -e 0: ${formatMs(baselineMs)}`,
    ratio: importMs / baselineMs,
  });
}

// Walks the production dependencies from the two packages and adds up what
// an install puts on disk: `npm pack`'s unpacked size for workspace packages,
// and the installed directory (without nested node_modules) for registry ones.
async function benchInstalledSize() {
  const seen = new Map();
  const queue = ROOTS.map((name) => ({ name, from: benchDir }));

  while (queue.length > 0) {
    const { name, from } = queue.shift();
    const directory = findPackageDir(name, from);
    if (seen.has(directory)) {
      continue;
    }

    const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));
    const isWorkspace = !relative(join(benchDir, '..', 'packages'), directory).startsWith('..');
    const bytes = isWorkspace ? await packedSize(directory) : directorySize(directory);
    seen.set(directory, { name, bytes, isWorkspace });

    for (const dependency of Object.keys(manifest.dependencies ?? {})) {
      queue.push({ name: dependency, from: directory });
    }
  }

  const entries = [...seen.values()];
  const total = entries.reduce((sum, entry) => sum + entry.bytes, 0);
  const ours = entries
    .filter((entry) => entry.isWorkspace)
    .reduce((sum, entry) => sum + entry.bytes, 0);
  const names = entries.map((entry) => entry.name).join(', ');
  return row({
    name: `installed size, production closure (${entries.length} packages)`,
    measured: `${formatBytes(total)} (umapi packages ${formatBytes(ours)})`,
    baseline: names,
  });
}

function findPackageDir(name, from) {
  for (let directory = from; ; directory = dirname(directory)) {
    const candidate = join(directory, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) {
      return realpathSync(candidate);
    }
    if (dirname(directory) === directory) {
      throw new Error(`cannot find package ${name} from ${from}`);
    }
  }
}

async function packedSize(directory) {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: directory,
  });
  return JSON.parse(stdout)[0].unpackedSize;
}

function directorySize(directory) {
  let total = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (entry.name === 'node_modules') {
      continue;
    }
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      total += directorySize(path);
    } else if (entry.isFile()) {
      total += statSync(path).size;
    }
  }
  return total;
}
