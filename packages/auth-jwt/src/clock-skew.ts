import { ImsError } from '@umapi/auth-core';

/**
 * How far the IMS `Date` header may differ from the local clock before a
 * rejected assertion is re-signed, in milliseconds. IMS only reaches this
 * check after it rejected the assertion's times, so any offset beyond the
 * header's one-second resolution and network delay is worth correcting: a
 * server that accepts 30 s of skew rejects a clock 45 s ahead.
 */
export const CLOCK_SKEW_TOLERANCE_MS = 5_000;

/**
 * IMS error codes that a badly set local clock can cause: an assertion whose
 * `exp` is already past, or whose `iat` is in the future, is rejected as an
 * invalid token or grant.
 */
const TIME_REJECTION_CODES = new Set([
  'invalid_token',
  'invalid_grant',
  'expired_token',
  'invalid_jwt',
]);

/**
 * The offset between the local clock and the IMS clock, learned from the
 * `Date` header of a response that rejected an assertion for its times.
 *
 * Assertions are signed at the local time plus `offsetMs`, so one correction
 * serves every later exchange of the same authenticator.
 */
export class ClockSkew {
  #offsetMs = 0;

  constructor(private readonly localNow: () => number = Date.now) {}

  /** The offset added to the local clock, in milliseconds. Positive when IMS is ahead. */
  get offsetMs(): number {
    return this.#offsetMs;
  }

  /**
   * Returns the offset to sign with once more, or undefined when the error is
   * not a time rejection or the IMS clock agrees with the one already used.
   */
  proposeCorrection(error: unknown): number | undefined {
    if (
      !(error instanceof ImsError) ||
      !TIME_REJECTION_CODES.has(error.code) ||
      error.serverDate === undefined
    ) {
      return undefined;
    }

    const measuredOffsetMs = error.serverDate - this.localNow();
    if (Math.abs(measuredOffsetMs - this.#offsetMs) <= CLOCK_SKEW_TOLERANCE_MS) {
      return undefined;
    }

    return measuredOffsetMs;
  }

  /** Keeps an offset that produced an accepted assertion. */
  accept(offsetMs: number): void {
    this.#offsetMs = offsetMs;
  }
}

/** Describes a clock offset for a message, such as "10 minutes 3 seconds behind IMS". */
export function describeOffset(offsetMs: number): string {
  const totalSeconds = Math.round(Math.abs(offsetMs) / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  const parts: string[] = [];
  if (minutes > 0) {
    parts.push(`${minutes} minute${minutes === 1 ? '' : 's'}`);
  }

  if (seconds > 0 || minutes === 0) {
    parts.push(`${seconds} second${seconds === 1 ? '' : 's'}`);
  }

  // A positive offset means IMS is ahead, so the local clock is behind.
  return `${parts.join(' ')} ${offsetMs > 0 ? 'behind' : 'ahead of'} IMS`;
}

/** Wraps the second rejection in an error stating that the local clock is off, and by how much. */
export function createClockSkewError(error: ImsError, offsetMs: number): ImsError {
  const message =
    `IMS rejected the JWT assertion (${error.code}) even after it was re-signed for the IMS clock: ` +
    `the local clock is ${describeOffset(offsetMs)}. Synchronize the system clock (for example with NTP) and retry.`;

  return new ImsError(message, {
    status: error.status,
    imsCode: error.code,
    description: error.description,
    endpoint: error.endpoint,
    requestId: error.requestId,
    serverDate: error.serverDate,
    cause: error,
  });
}
