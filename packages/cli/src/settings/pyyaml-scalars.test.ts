import { describe, expect, it } from 'vitest';
import { resolvePyYamlScalar } from './pyyaml-scalars.js';

describe('resolvePyYamlScalar', () => {
  it.for([
    ['yes', true],
    ['No', false],
    ['ON', true],
    ['oFf', false],
    ['TRUE', true],
    ['1_000', 1000],
    ['-1_0', -10],
    ['0x1_F', 31],
    ['0b1_01', 5],
    ['017', 15],
    ['0', 0],
    ['1:30', 90],
    ['1:00:00', 3600],
    ['1_000.5', 1000.5],
    ['1.5e+3', 1500],
    ['.5', 0.5],
    ['-.inf', Number.NEGATIVE_INFINITY],
  ] as [string, boolean | number][])('reads %s as %s', ([source, expected]) => {
    expect(resolvePyYamlScalar(source)).toBe(expected);
  });

  it('reads .nan as NaN', () => {
    expect(resolvePyYamlScalar('.NaN')).toBeNaN();
  });

  // PyYAML reads these as text: y and n are not booleans, a float needs a dot, 0o is YAML 1.2.
  it.for(['y', 'n', '1e3', '0o17', '018', '1:60', '12 s', 'yes please', ''])('leaves %s as text', (source) => {
    expect(resolvePyYamlScalar(source)).toBeUndefined();
  });
});
