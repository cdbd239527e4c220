// TODO: a temporary stand-in for src/actions/, which is being written in
// parallel; delete this file when it lands.

export type UserActionJson = Record<string, unknown>;
export class UserAction {
  toJSON(): UserActionJson {
    return {};
  }
}
export interface ActionError {
  actionIndex: number;
  step?: number;
  requestID?: string;
  user?: string;
  errorCode: string;
  message: string;
  action: UserAction | UserActionJson;
}
export interface ExecuteResult {
  queued: number;
  sent: number;
  completed: number;
  errors: ActionError[];
}
export type ActionSender = (
  body: UserActionJson[],
  options: { signal?: AbortSignal; pragma?: 'umapi-sync-start' | 'umapi-sync-end' },
) => Promise<unknown>;

export function createActionExecutor(options: { send: ActionSender }) {
  let sync: 'umapi-sync-start' | 'umapi-sync-end' | undefined;
  const totals = { queued: 0, sent: 0, completed: 0 };
  return {
    async execute(
      actions: readonly (UserAction | UserActionJson)[],
      executeOptions: { immediate?: boolean; signal?: AbortSignal } = {},
    ): Promise<ExecuteResult> {
      const body = actions.map((action) => (action instanceof UserAction ? action.toJSON() : action));
      const pragma = sync;
      sync = undefined;
      await options.send(body, { signal: executeOptions.signal, pragma });
      totals.sent += body.length;
      totals.completed += body.length;
      return { queued: 0, sent: body.length, completed: body.length, errors: [] };
    },
    async executeQueued(_options: { signal?: AbortSignal } = {}): Promise<ExecuteResult> {
      return { queued: 0, sent: 0, completed: 0, errors: [] };
    },
    startSync() {
      sync = 'umapi-sync-start';
    },
    endSync() {
      sync = 'umapi-sync-end';
    },
    counters: () => ({ ...totals }),
  };
}
