// Runs every benchmark and prints one Markdown table. Each figure is compared
// with a baseline measured in the same run. Usage: node --expose-gc run.mjs [section...]
import os from 'node:os';
import { benchColdStart } from './lib/cold-start.mjs';
import { benchFakeStart } from './lib/fake-start.mjs';
import { benchImportAndSize } from './lib/import-size.mjs';
import { benchJwtExchange } from './lib/jwt-exchange.mjs';
import { benchListUsers } from './lib/list-users.mjs';
import { formatTable } from './lib/measure.mjs';
import { benchRateLimits } from './lib/rate-limits.mjs';
import { benchTokenCache } from './lib/token-cache.mjs';

const sections = {
  'token-cache': benchTokenCache,
  'cold-start': benchColdStart,
  'jwt-exchange': benchJwtExchange,
  'list-users': benchListUsers,
  'import-size': benchImportAndSize,
  'fake-start': benchFakeStart,
  'rate-limits': benchRateLimits,
};

const requested = process.argv.slice(2);
for (const name of requested) {
  if (!(name in sections)) {
    console.error(`Unknown section '${name}'. Sections: ${Object.keys(sections).join(', ')}`);
    process.exit(2);
  }
}

if (typeof globalThis.gc !== 'function') {
  console.error(
    'Run with node --expose-gc, so that heap growth is measured from a collected heap.',
  );
  process.exit(2);
}

const startedAt = performance.now();
const rows = [];
const selected = requested.length > 0 ? requested : Object.keys(sections);
for (const name of selected) {
  const bench = sections[name];
  process.stderr.write(`running ${name}...\n`);
  rows.push(...(await bench()));
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(
  `\n${os.availableParallelism()} cores, ${cpu}, Node.js ${process.version}, ${new Date().toISOString()}\n`,
);
console.log(formatTable(rows));
console.log(`\nTotal bench time ${((performance.now() - startedAt) / 1000).toFixed(0)} s.`);

const failed = rows.filter((entry) => entry.result === 'FAIL');
if (failed.length > 0) {
  console.log(`${failed.length} target(s) missed: ${failed.map((entry) => entry.name).join('; ')}`);
  process.exitCode = 1;
}
