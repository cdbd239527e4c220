/** A call in progress: its signal, and `end()` to call once it settles. */
export interface PendingCall {
  signal: AbortSignal;
  end(): void;
}

/** The one 'abort' listener on a caller's signal and the calls it aborts. */
interface SignalLink {
  onAbort: () => void;
  controllers: Set<AbortController>;
}

/**
 * The calls in progress of one connection, so that `close()` can stop them.
 *
 * Each call gets its own controller, aborted with the caller's reason or by
 * {@link PendingCalls.abortAll}. A controller per call, rather than one
 * signal for the whole connection, means aborting reaches only this
 * connection's waits in the rate limiter that connections with the same
 * client ID share.
 *
 * Calls that share a caller's signal share one 'abort' listener on it, which
 * is removed when the last of them ends. One listener per call would make
 * Node.js print MaxListenersExceededWarning once more than 10 calls run
 * with one signal.
 */
export class PendingCalls {
  readonly #controllers = new Map<AbortController, string>();
  readonly #links = new WeakMap<AbortSignal, SignalLink>();

  /**
   * Registers a call.
   *
   * @param requestLabel - The method and path, such as `GET groups/x/0`, for the abort reason.
   * @param signal - The caller's signal, linked until `end()`.
   */
  start(requestLabel: string, signal: AbortSignal | undefined): PendingCall {
    const controller = new AbortController();
    if (signal?.aborted) {
      controller.abort(signal.reason);
    } else if (signal !== undefined) {
      this.#link(signal, controller);
    }

    this.#controllers.set(controller, requestLabel);
    return {
      signal: controller.signal,
      end: () => {
        this.#controllers.delete(controller);
        if (signal !== undefined) {
          this.#unlink(signal, controller);
        }
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

  #link(signal: AbortSignal, controller: AbortController): void {
    const existing = this.#links.get(signal);
    if (existing !== undefined) {
      existing.controllers.add(controller);
      return;
    }

    const link: SignalLink = {
      controllers: new Set([controller]),
      onAbort: () => {
        this.#links.delete(signal);
        for (const linked of link.controllers) {
          linked.abort(signal.reason);
        }
      },
    };
    this.#links.set(signal, link);
    signal.addEventListener('abort', link.onAbort, { once: true });
  }

  #unlink(signal: AbortSignal, controller: AbortController): void {
    const link = this.#links.get(signal);
    if (link === undefined || !link.controllers.delete(controller)) {
      return;
    }

    if (link.controllers.size === 0) {
      this.#links.delete(signal);
      signal.removeEventListener('abort', link.onAbort);
    }
  }
}
