// The User Sync Tool reads its files with PyYAML, which implements YAML 1.1, while the yaml
// package follows YAML 1.2. The patterns below are PyYAML's implicit resolvers for booleans,
// integers and floats (lib/yaml/resolver.py in the yaml/pyyaml repository), so a plain scalar that the tool reads as a
// number or boolean is read the same way here.

// PyYAML accepts these words in three spellings (yes, Yes, YES); any case is accepted here.
const BOOLEAN = /^(?:yes|no|true|false|on|off)$/i;
const TRUE_WORDS = new Set(['yes', 'true', 'on']);

const INTEGER = /^[-+]?(?:0b[01_]+|0[0-7_]+|0|[1-9][0-9_]*|0x[0-9a-fA-F_]+|[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const FLOAT =
  /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/** An integer with a leading zero, which PyYAML reads as octal and YAML 1.2 as decimal. */
export const LEADING_ZERO_OCTAL = /^[-+]?0[0-9_]+$/;

/**
 * Resolves a plain (unquoted, untagged) scalar as PyYAML does for YAML 1.1.
 *
 * @param source - The scalar as written in the file.
 * @returns the boolean or number PyYAML reads, or `undefined` when PyYAML reads a string.
 */
export function resolvePyYamlScalar(source: string): boolean | number | undefined {
  if (BOOLEAN.test(source)) {
    return TRUE_WORDS.has(source.toLowerCase());
  }

  if (INTEGER.test(source)) {
    return parseInteger(source);
  }

  if (FLOAT.test(source)) {
    return parseFloatText(source);
  }

  return undefined;
}

function parseInteger(source: string): number {
  const sign = source.startsWith('-') ? -1 : 1;
  const digits = source.replace(/^[-+]/, '').replaceAll('_', '');

  if (digits.includes(':')) {
    return sign * parseSexagesimal(digits);
  }

  if (digits.startsWith('0b')) {
    return sign * Number.parseInt(digits.slice(2), 2);
  }

  if (digits.startsWith('0x')) {
    return sign * Number.parseInt(digits.slice(2), 16);
  }

  if (digits.length > 1 && digits.startsWith('0')) {
    return sign * Number.parseInt(digits.slice(1), 8);
  }

  return sign * Number.parseInt(digits, 10);
}

function parseFloatText(source: string): number {
  const lower = source.toLowerCase();
  if (lower.endsWith('.nan')) {
    return Number.NaN;
  }

  const sign = source.startsWith('-') ? -1 : 1;
  if (lower.endsWith('.inf')) {
    return sign * Number.POSITIVE_INFINITY;
  }

  const digits = source.replace(/^[-+]/, '').replaceAll('_', '');
  return sign * (digits.includes(':') ? parseSexagesimal(digits) : Number.parseFloat(digits));
}

// Base 60, as in 1:30 for 90: each part after the first is a number from 0 to 59.
function parseSexagesimal(digits: string): number {
  return digits.split(':').reduce((total, part) => total * 60 + Number.parseFloat(part), 0);
}
