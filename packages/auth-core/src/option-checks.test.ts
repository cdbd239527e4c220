import { describe, expect, it } from 'vitest';
import { ConfigurationError } from './errors.js';
import {
  describeOrgIdProblem,
  describeType,
  describeValue,
  editDistance,
  MIN_TIMEOUT_MS,
  OptionChecker,
  type OptionNames,
  suggestOptionName,
} from './option-checks.js';

const SECRET = 'p8e-Secret-Value-0123456789';

const NAMES: OptionNames = {
  known: ['orgId', 'clientId', 'clientSecret', 'techAcctId', 'privateKey', 'metascopes', 'jwtLifetimeMs'],
  renames: {
    org_id: 'orgId',
    client_id: 'clientId',
    api_key: 'clientId',
    priv_key_path: { message: 'is not an option; read the file and pass its contents as privateKey' },
  },
};

function problemsOf(options: Record<string, unknown>, run: (check: OptionChecker) => void) {
  const check = new OptionChecker(options);
  run(check);
  return check.problems;
}

describe('OptionChecker.checkNames', () => {
  it.each([
    ['org_id', 'is not an option; use orgId instead'],
    ['client_id', 'is not an option; use clientId instead'],
    ['api_key', 'is not an option; use clientId instead'],
    ['priv_key_path', 'is not an option; read the file and pass its contents as privateKey'],
  ])('names the option to use for %s', (name, message) => {
    expect(problemsOf({ [name]: 'x' }, (check) => check.checkNames(NAMES))).toEqual([{ field: name, message }]);
  });

  it.each([
    ['orgID', 'orgId'],
    ['clientSecrett', 'clientSecret'],
    ['techAccountId', 'techAcctId'],
    ['metascope', 'metascopes'],
    ['jwt_lifetime_ms', 'jwtLifetimeMs'],
  ])('suggests the closest name for %s', (name, closest) => {
    expect(problemsOf({ [name]: 'x' }, (check) => check.checkNames(NAMES))).toEqual([
      { field: name, message: `is not an option; did you mean ${closest}?` },
    ]);
  });

  it('lists valid names for a far-off option', () => {
    const [problem] = problemsOf({ somethingElseEntirely: 1 }, (check) => check.checkNames(NAMES));
    expect(problem?.message).toBe(`is not an option; valid options are ${NAMES.known.join(', ')}`);
  });

  it('reports every unknown key in order', () => {
    const problems = problemsOf({ org_id: 'a', clientId: 'b', client_id: 'c', toString: 'd' }, (check) =>
      check.checkNames(NAMES),
    );
    expect(problems.map((problem) => problem.field)).toEqual(['org_id', 'client_id', 'toString']);
  });

  it('ignores known and undefined keys', () => {
    expect(problemsOf({ orgId: 'a', client_id: undefined }, (check) => check.checkNames(NAMES))).toEqual([]);
  });

  it.each([
    ['SEKRITclientsecretXYZ123', 'an option name of 24 characters'],
    [SECRET, `an option name of ${SECRET.length} characters`],
    ['a b', 'an option name of 3 characters'],
    ['x'.repeat(60), 'an option name of 60 characters'],
    ['-----BEGIN PRIVATE KEY-----\nMIIE', 'an option name of 32 characters'],
  ])('hides a secret-looking option name: %s', (name, field) => {
    const problems = problemsOf({ [name]: true }, (check) => check.checkNames(NAMES));
    expect(problems).toEqual([{ field, message: `is not an option; valid options are ${NAMES.known.join(', ')}` }]);
    expect(new ConfigurationError(problems).message).not.toContain(name);
  });

  it('quotes a short identifier-like option name', () => {
    const problems = problemsOf({ zzzz: 1, clientSecretValue: 1 }, (check) => check.checkNames(NAMES));
    expect(problems.map((problem) => problem.field)).toEqual(['zzzz', 'clientSecretValue']);
  });

  it('never reads a rename from the prototype', () => {
    const [problem] = problemsOf({ constructor: 'x' }, (check) => check.checkNames({ known: ['orgId'], renames: {} }));
    expect(problem?.message).toMatch(/valid options are orgId/);
  });
});

describe('suggestOptionName', () => {
  it('returns nothing for an empty list', () => {
    expect(suggestOptionName('orgId', [])).toBeUndefined();
  });

  it('allows two edits on a short name', () => {
    expect(suggestOptionName('ca', ['ca', 'fetch'])).toBe('ca');
    expect(suggestOptionName('cax', ['ca'])).toBe('ca');
    expect(suggestOptionName('abcde', ['ca'])).toBeUndefined();
  });
});

describe('OptionChecker.requireString', () => {
  it('reports missing, empty and non-string values', () => {
    const problems = problemsOf({ b: null, c: '', d: '  \n', e: 42, f: Buffer.from('x') }, (check) => {
      for (const field of ['a', 'b', 'c', 'd', 'e', 'f']) {
        expect(check.requireString(field)).toBeUndefined();
      }
    });

    expect(problems).toEqual([
      { field: 'a', message: 'is missing' },
      { field: 'b', message: 'is missing' },
      { field: 'c', message: 'is empty' },
      { field: 'd', message: 'is empty' },
      { field: 'e', message: 'must be a string, not a number' },
      { field: 'f', message: 'must be a string, not an object' },
    ]);
  });

  it('trims values pasted with a newline', () => {
    const check = new OptionChecker({ clientId: 'client-1\n', orgId: ' 12345ABCDE@AdobeOrg ' });
    expect(check.requireString('clientId')).toBe('client-1');
    expect(check.requireString('orgId')).toBe('12345ABCDE@AdobeOrg');
    expect(check.problems).toEqual([]);
  });

  it('rejects inner whitespace without quoting', () => {
    const check = new OptionChecker({ techAcctId: 'has space', clientSecret: `${SECRET} x` });
    expect(check.requireString('techAcctId')).toBeUndefined();
    expect(check.requireString('clientSecret', { secret: true })).toBeUndefined();
    expect(check.problems).toEqual([
      { field: 'techAcctId', message: 'must not contain whitespace (found a space at character 4)' },
      { field: 'clientSecret', message: `must not contain whitespace (found a space at character ${SECRET.length + 1})` },
    ]);
  });

  it.each([
    ['CR LF', 'cid\r\nX-Evil: 1', 'U+000D at character 4'],
    ['NUL', 'cid\u0000x', 'U+0000 at character 4'],
    ['tab', 'cid\tx', 'U+0009 at character 4'],
    ['DEL', 'cid\u007fx', 'U+007F at character 4'],
    ['C1', 'cid\u0085x', 'U+0085 at character 4'],
    ['line separator', 'cid\u2028x', 'U+2028 at character 4'],
  ])('rejects a control character: %s', (_name, value, found) => {
    for (const field of ['clientId', 'orgId', 'techAcctId', 'clientSecret']) {
      const check = new OptionChecker({ [field]: value });
      expect(check.requireString(field, { secret: field === 'clientSecret' })).toBeUndefined();
      expect(check.problems).toHaveLength(1);
      expect(check.problems[0]?.field).toBe(field);
      expect(check.problems[0]?.message).toContain(`control characters such as line breaks, tabs or NUL (found ${found})`);
      expect(check.problems[0]?.message).not.toContain('cid');
    }
  });

  it('rejects control characters even with allowInnerWhitespace', () => {
    const check = new OptionChecker({ name: 'a\nb' });
    expect(check.requireString('name', { allowInnerWhitespace: true })).toBeUndefined();
    expect(check.problems[0]?.message).toContain('U+000A at character 2');
  });

  it('trims a secret ending in a newline', () => {
    const check = new OptionChecker({ clientSecret: `${SECRET}\r\n` });
    expect(check.requireString('clientSecret', { secret: true })).toBe(SECRET);
    expect(check.problems).toEqual([]);
  });

  it('never quotes a PEM pasted into an ID', () => {
    const pem = `-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----`;
    const check = new OptionChecker({ orgId: pem, techAcctId: pem });
    check.orgId();
    check.requireString('techAcctId');
    expect(check.problems.map((problem) => problem.field)).toEqual(['orgId', 'techAcctId']);
    expect(JSON.stringify(check.problems)).not.toContain('MIIEvQ');
    expect(JSON.stringify(check.problems)).not.toContain('PRIVATE');
  });

  it('rejects surrounding whitespace without trim', () => {
    const check = new OptionChecker({ clientId: ' client-1', clientSecret: `${SECRET}\n`, name: 'a b' });
    expect(check.requireString('clientId', { trim: false })).toBeUndefined();
    expect(check.requireString('clientSecret', { trim: false, secret: true })).toBeUndefined();
    expect(check.requireString('name', { trim: false, allowInnerWhitespace: true })).toBe('a b');
    expect(check.problems).toEqual([
      { field: 'clientId', message: 'has leading or trailing whitespace; remove it' },
      { field: 'clientSecret', message: 'has leading or trailing whitespace; remove it' },
    ]);
    expect(JSON.stringify(check.problems)).not.toContain(SECRET);
  });

  it('accepts an absent optional string', () => {
    const check = new OptionChecker({ orgId: undefined, b: null, c: '' });
    expect(check.optionalString('orgId')).toBeUndefined();
    expect(check.optionalString('b')).toBeUndefined();
    expect(check.optionalString('c')).toBeUndefined();
    expect(check.problems.map((problem) => problem.field)).toEqual(['b', 'c']);
  });
});

describe('OptionChecker.duration', () => {
  it.each([
    [{ min: 0, minExclusive: true }, 0, 'must be a number of milliseconds, greater than zero, not 0'],
    [{ min: 0 }, -1, 'must be a number of milliseconds, zero or more, not -1'],
    [{ min: 1_000, max: 86_400_000 }, 999, 'must be a number of milliseconds, at least 1000 and at most 86400000, not 999'],
    [{ min: 1_000, max: 86_400_000 }, 86_400_001, 'at least 1000 and at most 86400000'],
    [{ min: 5, minExclusive: true, max: 10 }, 5, 'greater than 5 and at most 10, not 5'],
    [{ min: 0 }, '30s', 'zero or more, not a string'],
    [{ min: 0 }, Number.POSITIVE_INFINITY, 'not Infinity'],
    [{ min: 0 }, Number.NaN, 'not NaN'],
    [{ min: 0 }, null, 'not null'],
  ])('rejects %j with %j', (range, value, message) => {
    const check = new OptionChecker({ timeout: value });
    expect(check.duration('timeout', range)).toBeUndefined();
    expect(check.problems).toEqual([{ field: 'timeout', message: expect.stringContaining(message) }]);
  });

  it.each([
    [{ min: 0 }, 0],
    [{ min: 0, minExclusive: true }, 0.5],
    [{ min: 1_000, max: 86_400_000 }, 86_400_000],
    [{ min: 1_000, max: 86_400_000 }, 1_000],
  ])('accepts %j with %j', (range, value) => {
    const check = new OptionChecker({ timeout: value });
    expect(check.duration('timeout', range)).toBe(value);
    expect(check.problems).toEqual([]);
  });

  it('returns undefined for an absent duration', () => {
    const check = new OptionChecker({});
    expect(check.duration('timeout', { min: 0 })).toBeUndefined();
    expect(check.problems).toEqual([]);
  });
});

describe('OptionChecker.timeout', () => {
  it.each([
    [120, 'did you mean 120000 (120 seconds)?'],
    [1, 'did you mean 1000 (1 seconds)?'],
    [999, 'did you mean 999000 (999 seconds)?'],
    [30.5, 'did you mean 30500 (30.5 seconds)?'],
  ])('takes %j for seconds', (timeout, hint) => {
    const check = new OptionChecker({ timeout });

    expect(check.timeout()).toBeUndefined();
    expect(check.problems).toEqual([
      {
        field: 'timeout',
        message: `must be at least 1000 milliseconds, not ${timeout}. The unit is milliseconds, not seconds as in Python's umapi-client; ${hint}`,
      },
    ]);
  });

  it('gives no seconds hint below one', () => {
    const check = new OptionChecker({ timeout: 0.5 });

    check.timeout();

    expect(check.problems[0]?.message).toContain('must be at least 1000 milliseconds, not 0.5');
    expect(check.problems[0]?.message).not.toContain('did you mean');
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, '120', null])('rejects %j', (timeout) => {
    const check = new OptionChecker({ timeout });

    expect(check.timeout()).toBeUndefined();
    expect(check.problems).toEqual([
      { field: 'timeout', message: expect.stringContaining('must be a number of milliseconds, at least 1000') },
    ]);
  });

  it.each([MIN_TIMEOUT_MS, 120_000, 2 ** 31 - 1])('accepts %j', (timeout) => {
    const check = new OptionChecker({ timeoutMs: timeout });

    expect(check.timeout('timeoutMs')).toBe(timeout);
    expect(check.problems).toEqual([]);
  });

  it('returns undefined for an absent timeout', () => {
    const check = new OptionChecker({});

    expect(check.timeout()).toBeUndefined();
    expect(check.problems).toEqual([]);
  });
});

describe('OptionChecker transport options', () => {
  it('reads valid values', () => {
    const fetch = globalThis.fetch;
    const check = new OptionChecker({ sslVerify: false, ca: ['pem', Buffer.from('pem')], fetch });
    expect(check.transport()).toEqual({ sslVerify: false, ca: ['pem', Buffer.from('pem')], fetch });
    expect(new OptionChecker({}).transport()).toEqual({});
    expect(check.problems).toEqual([]);
  });

  it('reports invalid values in order', () => {
    const check = new OptionChecker({ sslVerify: 'false', ca: ['pem', 7], fetch: 'fetch' });
    expect(check.transport()).toEqual({});
    expect(check.problems).toEqual([
      { field: 'sslVerify', message: 'must be true or false, not a string' },
      { field: 'fetch', message: 'must be a function compatible with fetch, not a string' },
      { field: 'ca', message: 'must be a PEM string, a Buffer or an array of them' },
    ]);
  });
});

describe('OptionChecker.throwIfProblems', () => {
  it('throws one ConfigurationError with every problem', () => {
    const check = new OptionChecker({ client_id: 'x', clientSecret: 42 });
    check.checkNames({ known: ['clientId', 'clientSecret'], renames: { client_id: 'clientId' } });
    check.requireString('clientId');
    check.requireString('clientSecret', { secret: true });
    check.report('custom', 'is wrong');

    let thrown: unknown;
    try {
      check.throwIfProblems('Test options');
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(ConfigurationError);
    const error = thrown as ConfigurationError;
    expect(error.message).toMatch(/^Invalid Test options:/);
    expect(error.problems.map((problem) => problem.field)).toEqual(['client_id', 'clientId', 'clientSecret', 'custom']);
  });

  it('does nothing without problems', () => {
    expect(() => new OptionChecker({}).throwIfProblems('Test options')).not.toThrow();
  });
});

describe('describeType and describeValue', () => {
  it.each([
    [null, 'null', 'null'],
    [[1], 'an array', 'an array'],
    [{}, 'an object', 'an object'],
    [undefined, 'an undefined', 'an undefined'],
    ['x', 'a string', 'a string'],
    [42, 'a number', '42'],
    [false, 'a boolean', 'false'],
    [() => 1, 'a function', 'a function'],
  ])('describes %j', (value, type, shown) => {
    expect(describeType(value)).toBe(type);
    expect(describeValue(value)).toBe(shown);
  });
});

describe('OptionChecker.orgId', () => {
  it.each([
    ['12345ABCDE@AdobeOrg', '12345ABCDE@AdobeOrg'],
    ['  12345ABCDE@AdobeOrg ', '12345ABCDE@AdobeOrg'],
    ['0123456789ABCDEF01234567@AdobeOrg', '0123456789ABCDEF01234567@AdobeOrg'],
    ['0123456789abcdef01234567@AdobeOrg', '0123456789abcdef01234567@AdobeOrg'],
    ['o@AdobeOrg', 'o@AdobeOrg'],
  ])('accepts %j', (orgId, expected) => {
    const check = new OptionChecker({ orgId });

    expect(check.orgId()).toBe(expected);
    expect(check.problems).toEqual([]);
  });

  it.each([
    ['12345ABCDE'],
    ['12345ABCDE@adobeorg'],
    ['12345ABCDE@AdobeOrg.'],
    ['12345ABCDE@techacct.adobe.com'],
  ])('rejects %j without @AdobeOrg', (orgId) => {
    const check = new OptionChecker({ orgId });

    expect(check.orgId()).toBeUndefined();
    expect(check.problems).toEqual([
      {
        field: 'orgId',
        message:
          'must end with @AdobeOrg, like 12345ABCDE@AdobeOrg; copy the whole org ID from the Admin Console',
      },
    ]);
  });

  it.each([
    ['@AdobeOrg', 'has no ID before @AdobeOrg'],
    ['  @AdobeOrg', 'has no ID before @AdobeOrg'],
    ['12345ABCDE@AdobeOrg@AdobeOrg', 'must have only letters and digits before @AdobeOrg'],
    ['<your org ID>@AdobeOrg', 'must not contain whitespace'],
    ['<org-id>@AdobeOrg', 'must have only letters and digits before @AdobeOrg'],
    ['12345_ABCDE@AdobeOrg', 'must have only letters and digits before @AdobeOrg'],
    ['12345ÄBCDE@AdobeOrg', 'must have only letters and digits before @AdobeOrg'],
  ])('rejects %j for its ID part', (orgId, start) => {
    const check = new OptionChecker({ orgId });

    expect(check.orgId()).toBeUndefined();
    expect(check.problems).toHaveLength(1);
    expect(check.problems[0]?.field).toBe('orgId');
    expect(check.problems[0]?.message.startsWith(start)).toBe(true);
  });

  it('reports a missing org ID once', () => {
    const check = new OptionChecker({});

    expect(check.orgId()).toBeUndefined();
    expect(check.problems).toEqual([{ field: 'orgId', message: 'is missing' }]);
  });

  it('reads another field name', () => {
    const check = new OptionChecker({ org_id: 'ABC' });

    check.orgId('org_id');

    expect(check.problems.map((problem) => problem.field)).toEqual(['org_id']);
  });
});

describe('describeOrgIdProblem', () => {
  it('returns undefined for a valid org ID', () => {
    expect(describeOrgIdProblem('ABC@AdobeOrg')).toBeUndefined();
  });

  it('names the suffix for an invalid one', () => {
    expect(describeOrgIdProblem('ABC')).toMatch(/^must end with @AdobeOrg/);
  });

  it('rejects the suffix alone', () => {
    expect(describeOrgIdProblem('@AdobeOrg')).toBe(
      'has no ID before @AdobeOrg, like 12345ABCDE@AdobeOrg; copy the whole org ID from the Admin Console',
    );
  });
});

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['abc', 'abc', 0],
    ['client_secrt', 'client_secret', 1],
    ['org_id', 'org-id', 1],
    ['kitten', 'sitting', 3],
  ])('counts edits from %j to %j', (from, to, expected) => {
    expect(editDistance(from, to)).toBe(expected);
    expect(editDistance(to, from)).toBe(expected);
  });
});
