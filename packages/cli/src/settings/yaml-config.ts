import { type Document, isScalar, LineCounter, parseDocument, visit } from 'yaml';

/**
 * A number or boolean scalar of the file, with the text written there. A setting that
 * takes text reads `source`, so `client_secret: 0123` stays `0123` instead of becoming 123.
 */
export class TypedScalar {
  constructor(
    /** The value under YAML 1.2's core schema, such as 123 for `0123`. */
    readonly value: number | boolean,
    /** The scalar as written, without quotes or surrounding spaces; undefined when yaml did not record it. */
    readonly source: string | undefined,
  ) {}
}

/** The file's content as JavaScript values, or one problem that makes the file unusable. */
export type YamlResult = { ok: true; root: unknown } | { ok: false; message: string };

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
    document = parseDocument(text, { prettyErrors: false, lineCounter, merge: true });
  } catch (error) {
    return { ok: false, message: describeYamlFailure(error, fileName) };
  }

  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    const position = lineCounter.linePos(first.pos[0]);
    return { ok: false, message: `${fileName} is not valid YAML at line ${position.line}, column ${position.col}: ${first.code}` };
  }

  keepScalarSource(document);

  try {
    // toJS resolves aliases and merge keys, and throws when aliases expand past yaml's
    // maxAliasCount (default 100), which stops a "billion laughs" file from filling memory.
    return { ok: true, root: document.toJS() };
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
      }
    },
  });
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
