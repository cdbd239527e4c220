import { ImsError } from '@umapi/auth-core';
import { describe, expect, it } from 'vitest';
import { ClockSkew, createClockSkewError, describeOffset } from './clock-skew.js';

function imsError(code: string, serverDate: number | undefined): ImsError {
  return new ImsError('rejected', {
    status: 400,
    imsCode: code,
    endpoint: 'http://127.0.0.1/ims/exchange/jwt/',
    serverDate,
  });
}

describe('ClockSkew', () => {
  const localNow = 1_700_000_000_000;

  it('proposes the IMS offset for an expired assertion', () => {
    const clock = new ClockSkew(() => localNow);
    expect(clock.proposeCorrection(imsError('invalid_token', localNow + 600_000))).toBe(600_000);
    expect(clock.proposeCorrection(imsError('invalid_token', localNow - 600_000))).toBe(-600_000);
  });

  it('ignores a difference within 5 seconds', () => {
    const clock = new ClockSkew(() => localNow);
    expect(clock.proposeCorrection(imsError('invalid_token', localNow + 5_000))).toBeUndefined();
  });

  it('corrects a difference under a minute', () => {
    const clock = new ClockSkew(() => localNow);
    expect(clock.proposeCorrection(imsError('invalid_token', localNow - 45_000))).toBe(-45_000);
  });

  it('ignores other IMS errors', () => {
    const clock = new ClockSkew(() => localNow);
    expect(clock.proposeCorrection(imsError('invalid_client', localNow + 600_000))).toBeUndefined();
    expect(clock.proposeCorrection(new Error('boom'))).toBeUndefined();
  });

  it('ignores an answer without Date header', () => {
    const clock = new ClockSkew(() => localNow);
    expect(clock.proposeCorrection(imsError('invalid_token', undefined))).toBeUndefined();
  });

  it('applies an accepted offset', () => {
    const clock = new ClockSkew(() => localNow);
    clock.accept(-600_000);
    expect(clock.offsetMs).toBe(-600_000);
    expect(clock.proposeCorrection(imsError('invalid_token', localNow - 597_000))).toBeUndefined();
    expect(clock.proposeCorrection(imsError('invalid_token', localNow))).toBe(0);
  });
});

describe('describeOffset', () => {
  it.each([
    [600_000, '10 minutes behind IMS'],
    [-61_000, '1 minute 1 second ahead of IMS'],
    [-90_400, '1 minute 30 seconds ahead of IMS'],
    [0, '0 seconds ahead of IMS'],
  ])('describes %d ms', (offsetMs, text) => {
    expect(describeOffset(offsetMs)).toBe(text);
  });
});

describe('createClockSkewError', () => {
  it('keeps the IMS code and names the offset', () => {
    const original = imsError('invalid_token', 1);
    const error = createClockSkewError(original, 600_000);
    expect(error).toBeInstanceOf(ImsError);
    expect(error.code).toBe('invalid_token');
    expect(error.status).toBe(400);
    expect(error.cause).toBe(original);
    expect(error.message).toContain('local clock is 10 minutes behind IMS');
  });
});
