import fc from 'fast-check';

/**
 * Scales a property's run count by `PROPERTY_RUNS_SCALE` (default 1), so a
 * deep hunt can run many more cases than the routine test run affords.
 */
export function propertyRuns(base: number): number {
  const scale = Number(process.env.PROPERTY_RUNS_SCALE ?? '1');
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new Error(
      `PROPERTY_RUNS_SCALE must be a positive number, got "${process.env.PROPERTY_RUNS_SCALE}"`,
    );
  }

  return Math.max(1, Math.round(base * scale));
}

// A failing property prints its seed, and PROPERTY_SEED replays that run.
const seed = process.env.PROPERTY_SEED;
if (seed !== undefined && seed !== '') {
  fc.configureGlobal({ seed: Number(seed) });
}
