/** Where the CLI writes; tests pass their own. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** Text exactly as given (trial logs). */
  raw(text: string): void;
  /** Rewrites the live progress line (terminal only). */
  progress(line: string): void;
  isTTY: boolean;
}

export const processIo: Io = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  raw: (t) => process.stdout.write(t),
  progress: (l) => process.stdout.write(`\r\x1b[2K${l}`),
  isTTY: process.stdout.isTTY === true,
};
