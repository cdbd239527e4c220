/** A call in progress: its signal, and `end()` to call once it settles. */
export interface PendingCall {
  signal: AbortSignal;
  end(): void;
}

/**
 * The calls in progress of one connection, so that `close()` can stop them.
 *
 * Each call gets its own controller, aborted with the caller's reason or by
 * {@link PendingCalls.abortAll}. A controller per call, rather than one
 * signal for the whole connection, means aborting reaches only this
 * connection's waits in the rate limiter that connections with the same
 * client ID share.
 */
export class PendingCalls {
  readonly #controllers = new Map<AbortController, string>();

  /**
   * Registers a call.
   *
   * @param requestLabel - The method and path, such as `GET groups/x/0`, for the abort reason.
   * @param signal - The caller's signal, linked until `end()`.
   */
  start(requestLabel: string, signal: AbortSignal | undefined): PendingCall {
    const controller = new AbortController();
    const abortCall = () => controller.abort(signal?.reason);
    if (signal?.aborted) {
      abortCall();
    } else {
      signal?.addEventListener('abort', abortCall, { once: true });
    }

    this.#controllers.set(controller, requestLabel);
    return {
      signal: controller.signal,
      end: () => {
        this.#controllers.delete(controller);
        signal?.removeEventListener('abort', abortCall);
      },
    };
  }

  /** Aborts every registered call with the reason built for its request. */
  abortAll(reasonFor: (requestLabel: string) => unknown): void {
    for (const [controller, requestLabel] of this.#controllers) {
      controller.abort(reasonFor(requestLabel));
    }

    this.#controllers.clear();
  }
}
