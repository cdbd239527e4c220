import { type Document, isMap, isScalar, LineCounter, type Node, parseDocument, visit } from 'yaml';
import { resolvePyYamlScalar } from './pyyaml-scalars.js';

/**
 * A number or boolean scalar of the file, with the text written there. A setting that
 * takes text reads `source`, so `client_secret: 0123` stays `0123` instead of becoming 123.
 */
export class TypedScalar {
  constructor(
    /**
     * The value under YAML 1.2's core schema, such as 123 for `0123`, or PyYAML's YAML 1.1
     * reading of a plain scalar that YAML 1.2 reads as text, such as 1000 for `1_000` and true for `yes`.
     */
    readonly value: number | boolean,
    /** The scalar as written, without quotes or surrounding spaces; undefined when yaml did not record it. */
    readonly source: string | undefined,
  ) {}
}

/**
 * The file's content as JavaScript values with the paths of keys written twice in one mapping
 * (such as `['enterprise', 'client_secret']`), or one problem that makes the file unusable.
 */
export type YamlResult = { ok: true; root: unknown; duplicateKeys: string[][] } | { ok: false; message: string };

/**
 * Parses a User Sync Tool config file. Maps become plain objects, strings stay strings and
 * numbers and booleans become {@link TypedScalar}. Merge keys (`<<: *anchor`) are applied,
 * as PyYAML applies them for the User Sync Tool.
 *
 * No message quotes the file, which may contain secrets: yaml's errors are reported by code
 * and line, or by a description written here.
 */
export function parseYamlConfig(text: string, fileName: string): YamlResult {
  // A LineCounter gives the position without yaml's pretty messages, which quote the
  // offending line of the file and so could print a secret.
  const lineCounter = new LineCounter();
  let document: Document.Parsed;
  try {
    // PyYAML keeps the last of two equal keys in a mapping, so yaml must accept them too.
    document = parseDocument(text, { prettyErrors: false, lineCounter, merge: true, uniqueKeys: false });
  } catch (error) {
    return { ok: false, message: describeYamlFailure(error, fileName) };
  }

  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    const position = lineCounter.linePos(first.pos[0]);
    return { ok: false, message: `${fileName} is not valid YAML at line ${position.line}, column ${position.col}: ${first.code}` };
  }

  keepScalarSource(document);
  const duplicateKeys = findDuplicateKeys(document.contents, []);

  try {
    // toJS resolves aliases and merge keys, and throws when aliases expand past yaml's
    // maxAliasCount (default 100), which stops a "billion laughs" file from filling memory.
    return { ok: true, root: document.toJS(), duplicateKeys };
  } catch (error) {
    return { ok: false, message: describeYamlFailure(error, fileName) };
  }
}

// Wraps every number and boolean value in the tree, keys excluded, because a wrapped key would
// become "[object Object]". Aliases share their anchor's node, so they see the wrapped value too.
function keepScalarSource(document: Document.Parsed): void {
  visit(document, {
    Scalar(key, node) {
      if (key === 'key' || !isScalar(node)) {
        return;
      }

      const value: unknown = node.value;
      if (typeof value === 'number' || typeof value === 'boolean') {
        node.value = new TypedScalar(value, node.source);
        return;
      }

      // A plain scalar such as `yes` or `1_000` is text to YAML 1.2 but a boolean or number to
      // PyYAML. Quoted and tagged scalars stay text, as in PyYAML.
      if (typeof value === 'string' && node.type === 'PLAIN' && node.tag === undefined) {
        const resolved = resolvePyYamlScalar(value);
        if (resolved !== undefined) {
          node.value = new TypedScalar(resolved, node.source);
        }
      }
    },
  });
}

// Lists the keys that occur twice in a mapping, with the keys of the mappings around them.
// Merge keys (<<) are left out, and aliases are not followed, so each key is reported once.
function findDuplicateKeys(node: Node | null, path: string[]): string[][] {
  if (!isMap(node)) {
    return [];
  }

  const duplicates: string[][] = [];
  const seen = new Set<string>();
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key === undefined || key === '<<') {
      continue;
    }

    if (seen.has(key)) {
      duplicates.push([...path, key]);
    }

    seen.add(key);
    duplicates.push(...findDuplicateKeys(pair.value as Node | null, [...path, key]));
  }

  return duplicates;
}

// yaml's messages may quote an anchor name or other text of the file, so they are matched
// here and replaced with a description. An unknown failure is named by its error class only.
function describeYamlFailure(error: unknown, fileName: string): string {
  const message = error instanceof Error ? error.message : '';

  if (message.startsWith('Excessive alias count')) {
    return `${fileName} uses YAML aliases (*name) that expand into too many values, the "billion laughs" pattern that exhausts memory; write the values out or nest fewer aliases`;
  }

  if (message.startsWith('Unresolved alias')) {
    return `${fileName} uses a YAML alias (*name) before its anchor (&name) is defined; define the anchor first`;
  }

  if (message.startsWith('Merge sources must be')) {
    return `${fileName} has a merge key (<<) whose value is not a mapping or an alias of one; merge only mappings`;
  }

  const kind = error instanceof Error ? error.name : typeof error;
  return `${fileName} could not be read as YAML (${kind} from the yaml library); check the file's syntax`;
}
