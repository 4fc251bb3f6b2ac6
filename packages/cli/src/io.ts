/** Where the command writes, and what it reads; injected so tests run it in-process. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdout is a terminal (progress lines are shown only then). */
  isTTY: boolean;
  cwd: string;
}

/** Exit codes, as DESIGN.md fixes them. */
export const EXIT = { ok: 0, input: 1, usage: 2 } as const;

/** A problem in the input, with its place (file, JSON pointer, sheet and cell). */
export interface Problem {
  place: string;
  message: string;
}

/** Thrown by commands: input problems (exit 1), all listed with their places. */
export class InputProblems extends Error {
  readonly problems: readonly Problem[];
  constructor(title: string, problems: readonly Problem[]) {
    super(title);
    this.name = 'InputProblems';
    this.problems = problems;
  }
}

/** Thrown by commands: the command line itself is wrong (exit 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
