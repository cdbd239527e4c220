import { describe } from './validate.js';

/** One error or warning that UMAPI reported for an entry of a request. */
export interface EntryReport {
  /** Index of the entry in the request. */
  entry: number;
  /** Index of the step in the entry, when UMAPI named one. */
  step: number | undefined;
  requestID: string | undefined;
  user: string | undefined;
  /** UMAPI's `errorCode` or `warningCode`. */
  code: string;
  message: string;
}

/** Errors, warnings and trust problems read from an action response body. */
export interface ParsedActionResponse {
  errors: EntryReport[];
  warnings: EntryReport[];
  /**
   * Set when the response cannot be trusted for some entries: an error that
   * names no valid entry, a body that is not UMAPI's, or an error result
   * without per-entry errors. Entries without an error of their own are then
   * reported as failed with this code and message, because a caller may
   * delete or re-create accounts based on what succeeded.
   */
  problem: { code: string; message: string } | undefined;
}

/** Error code for an action response the client cannot read. */
export const UNREADABLE_RESPONSE_CODE = 'ERR_UMAPI_ACTION_RESPONSE';

/**
 * Reads the body of an action response (`{ result, completed, notCompleted, errors, warnings }`)
 * without trusting its shape.
 *
 * @param body - The parsed JSON body.
 * @param entryCount - Number of entries in the request.
 * @param label - Names the request in messages, such as `action request 2 (entries for actions 10-19)`.
 */
export function parseActionResponse(
  body: unknown,
  entryCount: number,
  label: string,
): ParsedActionResponse {
  const parsed: ParsedActionResponse = { errors: [], warnings: [], problem: undefined };

  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    parsed.problem = unreadable(
      `${label} returned ${describe(body)} instead of a JSON object with a result`,
    );
    return parsed;
  }

  const record = body as Record<string, unknown>;
  const result = record.result;
  const badEntries: string[] = [];

  parsed.errors = readReports(record.errors, 'errors', 'errorCode', entryCount, badEntries);
  parsed.warnings = readReports(record.warnings, 'warnings', 'warningCode', entryCount, []);

  if (badEntries.length > 0) {
    parsed.problem = unreadable(
      `${label} returned errors that name no entry of the request: ${badEntries.join('; ')}`,
    );
    return parsed;
  }

  if (result === 'success') {
    return parsed;
  }

  if ((result === 'partial' || result === 'error') && parsed.errors.length === 0) {
    parsed.problem = unreadable(
      `${label} returned result '${result}' without per-action errors, so which actions failed is unknown`,
    );
    return parsed;
  }

  if (result === 'partial' || result === 'error') {
    return parsed;
  }

  // Any other result is a request-level error such as error.command.malformed.
  if (typeof result === 'string' && result.length > 0) {
    const detail = typeof record.message === 'string' ? `: ${record.message}` : '';
    parsed.problem = {
      code: result,
      message: `${label} was rejected with result '${result}'${detail}`,
    };
    return parsed;
  }

  parsed.problem = unreadable(`${label} returned no result field (got ${describe(result)})`);
  return parsed;
}

function readReports(
  value: unknown,
  field: string,
  codeField: string,
  entryCount: number,
  badEntries: string[],
): EntryReport[] {
  if (value === undefined || value === null) {
    return [];
  }

  if (!Array.isArray(value)) {
    badEntries.push(`${field} is ${describe(value)}, not an array`);
    return [];
  }

  const reports: EntryReport[] = [];
  value.forEach((item: unknown, position) => {
    const record =
      typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : undefined;
    const entry = record?.index;
    if (!Number.isInteger(entry) || (entry as number) < 0 || (entry as number) >= entryCount) {
      badEntries.push(`${field}[${position}] has index ${describe(entry)}`);
      return;
    }

    reports.push({
      entry: entry as number,
      step: readStep(record!.step),
      requestID: readString(record!.requestID),
      user: readString(record!.user),
      code: readString(record![codeField]) ?? 'error.unspecified',
      message: readString(record!.message) ?? 'UMAPI reported a failure without a message',
    });
  });

  return reports;
}

// UMAPI documents step as an integer but types it as a string in one place, so both are read.
function readStep(value: unknown): number | undefined {
  const step = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return Number.isInteger(step) && (step as number) >= 0 ? (step as number) : undefined;
}

function readString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function unreadable(message: string): { code: string; message: string } {
  return { code: UNREADABLE_RESPONSE_CODE, message };
}
