/** Formats an epoch-millisecond time as `2026-01-05 12:00 UTC (in 23 h 59 min)`. */
export function formatExpiry(expiresAt: number, now: number = Date.now()): string {
  const date = new Date(expiresAt).toISOString().replace('T', ' ').slice(0, 16);
  return `${date} UTC (${formatRemaining(expiresAt - now)})`;
}

/** Formats a duration until a moment: `in 23 h 59 min`, `in 45 s`, or `expired`. */
export function formatRemaining(remainingMs: number): string {
  if (remainingMs <= 0) {
    return 'expired';
  }

  const totalMinutes = Math.floor(remainingMs / 60_000);
  if (totalMinutes === 0) {
    return `in ${Math.floor(remainingMs / 1000)} s`;
  }

  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  return hours === 0 ? `in ${minutes} min` : `in ${hours} h ${minutes} min`;
}

/** Formats a count with its noun: `1 user`, `12 users`. */
export function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}
