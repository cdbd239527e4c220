// Packs every publishable package, installs the tarballs into a scratch
// project outside the workspace and checks what a downstream user relies on:
// `import`, `require()`, the `umapi` bin and the published types under both
// `nodenext` and `bundler` resolution.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const smokeDir = fileURLToPath(new URL('.', import.meta.url));
const root = resolve(smokeDir, '../..');
const packagesDir = join(root, 'packages');
const packageNames = readdirSync(packagesDir);
const scratch = mkdtempSync(join(tmpdir(), 'umapi-smoke-'));
const results = { passed: 0, failed: 0 };

function run(command, args, options = {}) {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

function check(name, step) {
  try {
    step();
    results.passed += 1;
    console.log(`ok   ${name}`);
  } catch (error) {
    results.failed += 1;
    console.log(`FAIL ${name}\n${error.stdout ?? ''}${error.stderr ?? ''}${error.stdout || error.stderr ? '' : error.message}`);
  }
}

try {
  const tarballDir = join(scratch, 'tarballs');
  mkdirSync(tarballDir);
  for (const name of packageNames) {
    run('npm', ['pack', '--silent', '--pack-destination', tarballDir], { cwd: join(packagesDir, name) });
  }

  const project = join(scratch, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '1.0.0' }));
  const tarballs = readdirSync(tarballDir).map((file) => join(tarballDir, file));

  // The registry is only needed for the third-party dependencies, which the
  // workspace install has already put in npm's cache.
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', ...tarballs], { cwd: project });

  const modules = packageNames.map((name) => `@umapi/${name}`);

  check('require() of every package from CommonJS', () => {
    const script = modules.map((name) => `if (Object.keys(require(${JSON.stringify(name)})).length === 0) throw new Error('${name} has no exports');`).join('\n');
    run(process.execPath, ['-e', script], { cwd: project });
  });

  check('import of every package from ESM', () => {
    const script = modules.map((name, index) => `import * as m${index} from ${JSON.stringify(name)}; if (Object.keys(m${index}).length === 0) throw new Error('${name} has no exports');`).join('\n');
    run(process.execPath, ['--input-type=module', '-e', script], { cwd: project });
  });

  check('umapi bin prints its version', () => {
    const output = run(join(project, 'node_modules', '.bin', 'umapi'), ['--version'], { cwd: project });
    if (!/\d+\.\d+\.\d+/.test(output)) throw new Error(`unexpected output: ${output}`);
  });

  cpSync(join(smokeDir, 'fixtures', 'consumer.ts'), join(project, 'consumer.ts'));
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const typeRoots = join(root, 'node_modules', '@types');
  for (const [module, moduleResolution] of [['nodenext', 'nodenext'], ['esnext', 'bundler']]) {
    check(`consumer type-checks with moduleResolution ${moduleResolution}`, () => {
      run(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'es2022', '--module', module, '--moduleResolution', moduleResolution, '--typeRoots', typeRoots, '--types', 'node', 'consumer.ts'], { cwd: project });
    });
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

console.log(`\n${results.passed} passed, ${results.failed} failed`);
process.exitCode = results.failed === 0 ? 0 : 1;
