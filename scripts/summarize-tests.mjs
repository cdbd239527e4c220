// Adds up the per-runner results in a saved `npm test` log and prints one
// closing line, "N passed, N failed", across vitest, node:test and the smoke test.
import { readFileSync } from 'node:fs';

const ansiPattern = /\u001b\[[0-9;]*m/g;
const log = readFileSync(process.argv[2], 'utf8').replace(ansiPattern, '');

let passed = 0;
let failed = 0;

for (const line of log.split('\n')) {
  // vitest: "Tests  2 failed | 155 passed (157)" or "Tests  157 passed (157)"
  const vitest = /\bTests\s+(?:(\d+) failed\s*\|\s*)?(\d+) passed/.exec(line);
  if (vitest) {
    failed += Number(vitest[1] ?? 0);
    passed += Number(vitest[2]);
    continue;
  }

  const vitestAllFailed = /\bTests\s+(\d+) failed \(\d+\)/.exec(line);
  if (vitestAllFailed) {
    failed += Number(vitestAllFailed[1]);
    continue;
  }

  // node:test reporters: "# pass 7" (TAP) or "ℹ pass 7" (spec).
  const nodeTest = /(?:^|:\s)(?:#|ℹ) (pass|fail) (\d+)\s*$/.exec(line);
  if (nodeTest) {
    if (nodeTest[1] === 'pass') passed += Number(nodeTest[2]);
    else failed += Number(nodeTest[2]);
    continue;
  }

  // The packed-tarball smoke test prints the plain form itself.
  const plain = /:\s(\d+) passed, (\d+) failed\s*$/.exec(line);
  if (plain) {
    passed += Number(plain[1]);
    failed += Number(plain[2]);
  }
}

console.log(`${passed} passed, ${failed} failed`);
