// Timing and formatting helpers shared by the benchmark sections.
import { performance } from 'node:perf_hooks';

/** Runs `fn` once and returns the elapsed wall time in milliseconds. */
export async function timeOnce(fn) {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/**
 * Calls `fn` `iterations` times in sequence, `rounds` times over, and returns
 * the best round as calls per second. The best round is the one least
 * disturbed by other work on the machine.
 */
export async function callsPerSecond(fn, { iterations, rounds = 5 }) {
  let best = 0;
  for (let round = 0; round < rounds; round += 1) {
    const started = performance.now();
    for (let index = 0; index < iterations; index += 1) {
      await fn();
    }
    const elapsedMs = performance.now() - started;
    best = Math.max(best, (iterations / elapsedMs) * 1000);
  }
  return best;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function collectGarbage() {
  globalThis.gc?.();
}

export function formatRate(perSecond, unit = '/s') {
  if (perSecond >= 1e6) {
    return `${(perSecond / 1e6).toFixed(2)} M${unit}`;
  }
  if (perSecond >= 1e4) {
    return `${(perSecond / 1e3).toFixed(0)} k${unit}`;
  }
  return `${perSecond.toFixed(0)}${unit}`;
}

export function formatMs(ms) {
  if (ms >= 1000) {
    return `${(ms / 1000).toFixed(2)} s`;
  }
  if (ms >= 10) {
    return `${ms.toFixed(0)} ms`;
  }
  return `${ms.toFixed(2)} ms`;
}

export function formatBytes(bytes) {
  if (Math.abs(bytes) >= 2 ** 20) {
    return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  }
  return `${(bytes / 1024).toFixed(0)} KiB`;
}

/**
 * A row of the result table. `ratio` is the measured cost divided by the
 * baseline's cost (1.00 = as fast as the baseline, 2.00 = twice as slow).
 */
export function row({ name, measured, baseline = '', ratio, target = '', pass }) {
  let result = '';
  if (pass !== undefined) {
    result = pass ? 'pass' : 'FAIL';
  }

  return {
    name,
    measured,
    baseline,
    ratio: ratio === undefined ? '' : `${ratio.toFixed(2)}x`,
    target,
    result,
  };
}

/** Formats rows as a Markdown table, so the output can be pasted into BENCHMARKS.md. */
export function formatTable(rows) {
  const header = {
    name: 'Benchmark',
    measured: 'Measured',
    baseline: 'Baseline (same run)',
    ratio: 'Ratio',
    target: 'Target',
    result: 'Result',
  };
  const columns = Object.keys(header);
  const widths = columns.map((column) =>
    Math.max(header[column].length, ...rows.map((entry) => String(entry[column]).length)),
  );
  const line = (entry) =>
    `| ${columns.map((column, index) => String(entry[column]).padEnd(widths[index])).join(' | ')} |`;
  const separator = `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`;
  return [line(header), separator, ...rows.map(line)].join('\n');
}
