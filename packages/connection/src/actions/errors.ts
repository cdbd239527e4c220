import { type ConfigurationProblem, UmapiError } from '@umapi/auth-core';

/**
 * Thrown when a user action is invalid, before anything is sent or queued.
 * `problems` lists every invalid field, named by its path such as
 * `actions[3].do[1].add.group[0]` or `createFederatedID.email`.
 */
export class ActionValidationError extends UmapiError {
  /** Every invalid field, named by its path. */
  readonly problems: readonly ConfigurationProblem[];

  constructor(problems: readonly ConfigurationProblem[]) {
    const lines = problems.map((problem) => `  - ${problem.field}: ${problem.message}`);
    super(`Invalid user action:\n${lines.join('\n')}`, 'ERR_UMAPI_INVALID_ACTION');
    this.problems = problems;
  }
}
