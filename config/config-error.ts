/**
 * One error type for every invalid config file: it carries every problem found, each naming the
 * file, the field and what is allowed, so a user fixes them all in one pass.
 */

export interface ConfigProblem {
  /** Path of the file relative to the project root (or as given). */
  readonly file: string;
  /** Dotted field path, `(file)` for problems with the file as a whole. */
  readonly field: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
}

export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(ConfigError.format(problems));
    this.name = 'ConfigError';
    this.problems = problems;
  }

  static format(problems: readonly ConfigProblem[]): string {
    const lines = problems.map((p) => `  - ${p.file}: ${p.field}: ${p.message}`);
    return `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was synthesized:\n${lines.join('\n')}`;
  }
}
