import { type ConfigurationProblem, UmapiError } from '@umapi/auth-core';

/**
 * Thrown when a user action or user group action is invalid, before anything
 * is sent or queued. `problems` lists every invalid field, named by its path
 * such as `actions[3].do[1].add.group[0]` or `createFederatedID.email`.
 */
export class ActionValidationError extends UmapiError {
  /** Every invalid field, named by its path. */
  readonly problems: readonly ConfigurationProblem[];

  /**
   * @param problems - Every invalid field.
   * @param subject - What was invalid, for the first line of the message. Default `'user action'`.
   */
  constructor(problems: readonly ConfigurationProblem[], subject = 'user action') {
    const lines = problems.map((problem) => `  - ${problem.field}: ${problem.message}`);
    super(`Invalid ${subject}:\n${lines.join('\n')}`, 'ERR_UMAPI_INVALID_ACTION');
    this.problems = problems;
  }
}
