export { run, type RunOptions } from './run.js';
export { ExitCode } from './failure.js';
export type { TextStream } from './output/streams.js';
