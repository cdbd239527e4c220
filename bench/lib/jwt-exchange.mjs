// JWT exchange against the fake IMS: key parsed once versus parsed per exchange.
import { JWTAuth } from '@umapi/auth-jwt';
import { startFakeIms } from '@umapi/testing';
import { callsPerSecond, formatRate, row } from './measure.mjs';

const EXCHANGES = 150;

export async function benchJwtExchange() {
  const ims = await startFakeIms();
  try {
    const credentials = await ims.createJwtCredentials();

    const reused = new JWTAuth(credentials);
    await reused.getAccessToken();
    const parsedOnceRate = await callsPerSecond(
      () => reused.getAccessToken({ forceRefresh: true }),
      { iterations: EXCHANGES, rounds: 3 },
    );

    // A new JWTAuth per exchange parses the PEM key again, and also builds a
    // new transport, so this baseline pays for a new TCP connection as well.
    const reparsedRate = await callsPerSecond(() => new JWTAuth(credentials).getAccessToken(), {
      iterations: EXCHANGES,
      rounds: 3,
    });

    return [
      row({
        name: 'JWT exchange vs fake IMS, key parsed once',
        measured: formatRate(parsedOnceRate, ' exchanges/s'),
        baseline: `new JWTAuth per exchange: ${formatRate(reparsedRate, ' exchanges/s')}`,
        ratio: reparsedRate / parsedOnceRate,
      }),
    ];
  } finally {
    await ims.close();
  }
}
