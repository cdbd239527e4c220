import { once } from 'node:events';

/** A writable text stream, as `process.stdout` is. */
export interface TextStream {
  /**
   * Writes a chunk of text.
   *
   * @returns `false` when the buffer is full, so the caller waits for `drain`.
   */
  write(chunk: string): boolean;
  /** Registers a one-time listener for `drain`, emitted when a full buffer has emptied. */
  once(event: 'drain', listener: () => void): unknown;
  /** True when the stream is a terminal; read on stderr to decide whether progress lines are shown. */
  isTTY?: boolean;
  /** Terminal width in characters. Accepted as on `process.stdout`, but not read by this version. */
  columns?: number;
}

/** Writes command output: results on stdout, messages and progress on stderr. */
export class Output {
  readonly #stdout: TextStream;
  readonly #stderr: TextStream;
  #progressShown = false;

  constructor(stdout: TextStream, stderr: TextStream) {
    this.#stdout = stdout;
    this.#stderr = stderr;
  }

  /** True when stderr is a terminal, so progress lines can be redrawn in place. */
  get interactive(): boolean {
    return this.#stderr.isTTY === true;
  }

  /** Writes to stdout and waits for the stream to drain when its buffer is full. */
  async write(text: string): Promise<void> {
    this.clearProgress();
    if (!this.#stdout.write(text)) {
      await once(this.#stdout as unknown as NodeJS.EventEmitter, 'drain');
    }
  }

  /** Writes one line to stderr. */
  message(line: string): void {
    this.clearProgress();
    this.#stderr.write(`${line}\n`);
  }

  /** Shows a progress line on an interactive stderr, redrawn in place; does nothing otherwise. */
  progress(line: string): void {
    if (!this.interactive) {
      return;
    }

    this.#stderr.write(`\r\x1b[2K${line}`);
    this.#progressShown = true;
  }

  /** Removes the progress line, if one is shown. */
  clearProgress(): void {
    if (this.#progressShown) {
      this.#stderr.write('\r\x1b[2K');
      this.#progressShown = false;
    }
  }
}
