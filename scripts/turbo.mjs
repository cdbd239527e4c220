// Runs turbo with its telemetry off, on every platform, so `npm test` and
// `npm start` send nothing beyond the machine.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const turboPackage = dirname(require.resolve('turbo/package.json'));
const turboBin = join(turboPackage, 'bin', 'turbo');

const result = spawnSync(process.execPath, [turboBin, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1', TURBO_NO_UPDATE_NOTIFIER: '1' },
});

process.exitCode = result.status ?? 1;
