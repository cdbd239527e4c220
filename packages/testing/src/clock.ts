/** A settable clock for a fake server: a time source plus an offset that tests move. */
export interface FakeClock {
  /** The fake's current time as epoch milliseconds. */
  now(): number;
  /** Moves the clock so that `now()` returns `epochMs` at this instant. */
  setNow(epochMs: number): void;
  /** Moves the clock forward by `ms` milliseconds (backward when negative). */
  advance(ms: number): void;
}

/**
 * Creates a clock that reads `source` plus an offset. The default source
 * looks up `Date.now()` on every read, so mocked timers are followed.
 * Keeping an offset, not a frozen value, lets time keep flowing after a
 * `setNow`, so a fake with a moved clock still behaves like a live server.
 */
export function createClock(source: () => number = () => Date.now()): FakeClock {
  let offsetMs = 0;

  return {
    now: () => source() + offsetMs,
    setNow(epochMs) {
      assertFiniteNumber(epochMs, 'setNow(epochMs)');
      offsetMs = epochMs - source();
    },
    advance(ms) {
      assertFiniteNumber(ms, 'advance(ms)');
      offsetMs += ms;
    },
  };
}

function assertFiniteNumber(value: number, name: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`${name} expects a finite number of milliseconds, got ${String(value)}.`);
  }
}
