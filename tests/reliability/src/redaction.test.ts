import { inspect } from 'node:util';
import { isUmapiError } from '@umapi/auth-core';
import { beforeAll, expect, it } from 'vitest';
import {
  type RedactionScenarioResult,
  runRedactionScenarios,
} from './children/redaction-scenarios.mjs';
import { lastJsonLine, runChild } from './run-child.js';

let secrets: string[];
let results: RedactionScenarioResult[];
let logLines: string[];

beforeAll(async () => {
  ({ secrets, results, logLines } = await runRedactionScenarios());
}, 60_000);

/** Everything a caller could print about an error: message, stack, inspect, JSON, each cause. */
function renderError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth += 1) {
    parts.push(String(current), inspect(current, { depth: 10 }), safeJson(current));
    if (current instanceof Error) {
      parts.push(current.message, current.stack ?? '');
    }
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch (error) {
    return `[JSON.stringify failed: ${String(error)}]`;
  }
}

function leakedSecrets(text: string): string[] {
  // Name a leak by a short prefix only, so the test output itself stays clean.
  return secrets
    .filter((secret) => text.includes(secret))
    .map((secret) => `${secret.slice(0, 10)}…`);
}

it('every error path ends in a UmapiError', () => {
  const withError = results.filter(
    (result) => result.name !== 'inspected authenticators and connection',
  );
  expect(withError.length).toBeGreaterThan(20);
  for (const result of withError) {
    expect.soft(isUmapiError(result.error), `${result.name}: ${String(result.error)}`).toBe(true);
  }
});

// UMAPI error bodies that quote the request's access token back.
const echoesToken = (result: RedactionScenarioResult) =>
  result.name.startsWith('UMAPI') && result.name.endsWith('echoes the token');

it('errors contain no secret or token', () => {
  for (const result of results.filter((entry) => !echoesToken(entry))) {
    const text = renderError(result.error);
    expect.soft(leakedSecrets(text), result.name).toEqual([]);
  }
});

it('errors quoting UMAPI bodies contain no token', () => {
  const echoing = results.filter(echoesToken);
  expect(echoing).toHaveLength(4);
  for (const result of echoing) {
    expect.soft(leakedSecrets(renderError(result.error)), result.name).toEqual([]);
  }
});

it('inspected objects contain no secret', () => {
  const inspected = results.find(
    (result) => result.name === 'inspected authenticators and connection',
  );
  const objects = inspected?.inspected as unknown[];
  expect(objects).toHaveLength(4);
  for (const object of objects) {
    const text = `${inspect(object, { depth: 10 })}\n${safeJson(object)}\n${String(object)}`;
    expect.soft(leakedSecrets(text), inspect(object)).toEqual([]);
  }
});

it('logger lines contain no secret', () => {
  expect(logLines.length).toBeGreaterThan(0);
  expect(leakedSecrets(logLines.join('\n'))).toEqual([]);
});

it('NODE_DEBUG=umapi output contains no secret', { timeout: 90_000 }, async () => {
  // debuglog reads NODE_DEBUG when the process starts, so the scenarios run again in a child.
  const child = await runChild('redaction-debug.mjs', {
    deadlineMs: 80_000,
    env: { NODE_DEBUG: 'umapi' },
  });
  expect(child.timedOut, child.stderr.slice(-2_000)).toBe(false);
  expect(child.code, child.stderr.slice(-2_000)).toBe(0);

  const { secrets: childSecrets, scenarios } = lastJsonLine<{
    secrets: string[];
    scenarios: number;
  }>(child.stdout);
  expect(scenarios).toBeGreaterThan(20);

  // The debug output is there, so a missing secret is not just missing output.
  const debugLines = child.stderr.split('\n').filter((line) => line.startsWith('UMAPI '));
  expect(debugLines.length).toBeGreaterThan(20);

  const leaked = childSecrets.filter((secret) => child.stderr.includes(secret));
  expect(leaked.map((secret) => `${secret.slice(0, 10)}…`)).toEqual([]);
});
