/** A failed step of an action: UMAPI reports it in the response and skips the action's later steps. */
export class StepError extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}
