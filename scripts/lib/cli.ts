/**
 * Command-line plumbing shared by the scripts: flag specs that also generate `--help`, parsing with
 * Node's util.parseArgs that reports every problem at once (one message per problem, naming the
 * flag), and the exit codes the scripts use.
 */
import { parseArgs, type ParseArgsConfig } from 'util';
import { closest } from '../../config/did-you-mean';

/** Exit codes: 0 done, 1 the operation failed (synthesis, certificate, file system), 2 bad input. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export interface FlagSpec {
  /** Long name without dashes, for example `env`. */
  readonly name: string;
  readonly type: 'string' | 'boolean';
  /** Placeholder shown in help, for example `<env>`. Strings only. */
  readonly value?: string;
  /** One or more lines of help. */
  readonly description: string;
  /** Required in every use of the command (mode-dependent requirements are checked by the command). */
  readonly required?: boolean;
  readonly short?: string;
}

export interface CommandSpec {
  /** Synopsis lines, for example `npm run onboard -- --env <env> ...`. */
  readonly usage: readonly string[];
  /** What the command does, a few lines. */
  readonly summary: string;
  readonly flags: readonly FlagSpec[];
  /** Text after the flag list: environment variables, exit codes, examples. */
  readonly footer?: string;
}

export type FlagValues = Readonly<Record<string, string | boolean | undefined>>;

export interface ParsedFlags {
  readonly help: boolean;
  readonly values: FlagValues;
  /** One message per problem, each naming the flag; empty when the command line is usable. */
  readonly problems: readonly string[];
}

const HELP: FlagSpec = { name: 'help', short: 'h', type: 'boolean', description: 'Show this help and exit.' };

export function flagsOf(spec: CommandSpec): FlagSpec[] {
  return spec.flags.some((f) => f.name === 'help') ? [...spec.flags] : [...spec.flags, HELP];
}

function synopsis(flag: FlagSpec): string {
  return flag.type === 'string' ? `--${flag.name} ${flag.value ?? '<value>'}` : `--${flag.name}`;
}

/** The `--help` text: usage, summary, and every flag with its description. */
export function formatHelp(spec: CommandSpec): string {
  const flags = flagsOf(spec);
  const width = Math.max(...flags.map((f) => synopsis(f).length + (f.short ? 4 : 0))) + 2;
  const lines: string[] = ['Usage:', ...spec.usage.map((u) => `  ${u}`), '', spec.summary.trimEnd(), '', 'Flags:'];
  for (const flag of flags) {
    const head = `${flag.short ? `-${flag.short}, ` : ''}${synopsis(flag)}`;
    const desc = flag.description.split('\n');
    lines.push(`  ${head.padEnd(width)}${desc[0]}${flag.required ? ' (required)' : ''}`);
    for (const more of desc.slice(1)) lines.push(`  ${' '.repeat(width)}${more}`);
  }
  if (spec.footer) lines.push('', spec.footer.trimEnd());
  return `${lines.join('\n')}\n`;
}

/**
 * Parses `argv` against the spec. util.parseArgs in strict mode stops at the first problem, so the
 * tokens are first read leniently to collect every problem; only a clean command line is then
 * parsed strictly for its values.
 */
export function parseFlags(argv: readonly string[], spec: CommandSpec): ParsedFlags {
  const flags = flagsOf(spec);
  const byName = new Map(flags.map((f) => [f.name, f]));
  const byShort = new Map(flags.filter((f) => f.short).map((f) => [f.short!, f]));
  const options: NonNullable<ParseArgsConfig['options']> = Object.fromEntries(
    flags.map((f) => [f.name, { type: f.type, ...(f.short ? { short: f.short } : {}) }]),
  );
  const { tokens: parsedTokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const tokens: Token[] = [...parsedTokens];
  const allowed = flags.map((f) => `--${f.name}`).join(', ');

  const problems: string[] = [];
  const seen = new Map<string, string[]>();
  let help = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind === 'option-terminator') {
      problems.push('unexpected "--": every value belongs to a flag');
      continue;
    }
    if (token.kind === 'positional') {
      problems.push(`unexpected argument ${JSON.stringify(token.value)}: every value belongs to a flag (allowed flags: ${allowed})`);
      continue;
    }
    const flag = byName.get(token.name) ?? (token.rawName.startsWith('--') ? undefined : byShort.get(token.name));
    if (!flag) {
      const suggestion = token.rawName.startsWith('--') ? closest(token.name, flags.map((f) => f.name)) : undefined;
      problems.push(
        `unknown flag ${token.rawName}${token.inlineValue ? `=${token.value}` : ''}; allowed flags: ${allowed}${suggestion ? `; did you mean --${suggestion}?` : ''}`,
      );
      // The word after an unknown flag is most likely its value: one message for both.
      const next = tokens[i + 1];
      if (!token.inlineValue && next?.kind === 'positional') i++;
      continue;
    }
    if (flag.name === 'help') {
      help = true;
      continue;
    }
    let value = token.value;
    if (flag.type === 'boolean') {
      if (token.inlineValue) problems.push(`--${flag.name} takes no value; got ${token.rawName}=${token.value}`);
    } else if (value === undefined) {
      problems.push(`--${flag.name} needs a value: ${synopsis(flag)}`);
    } else if (!token.inlineValue && value.startsWith('-')) {
      // `--name --env x`: lenient parsing took "--env" as the value of --name. Report the missing
      // value and read "--env x" as the flag it is.
      problems.push(
        `--${flag.name} needs a value: ${synopsis(flag)} (write --${flag.name}=<value> if the value really starts with "-")`,
      );
      const { token: flagToken, consumedNext } = retokenize(value, tokens[i + 1], byName, byShort);
      tokens.splice(i + 1, consumedNext ? 1 : 0, flagToken);
      value = undefined;
    }
    const values = seen.get(flag.name) ?? [];
    values.push(String(value ?? ''));
    seen.set(flag.name, values);
  }
  for (const [name, values] of seen) {
    if (values.length > 1) {
      const flag = byName.get(name)!;
      problems.push(
        flag.type === 'string'
          ? `--${name} is given ${values.length} times (${values.map((v) => JSON.stringify(v)).join(', ')}); give it once`
          : `--${name} is given ${values.length} times; give it once`,
      );
    }
  }
  if (help) return { help, values: {}, problems: [] };
  for (const flag of flags) {
    if (flag.required && !seen.has(flag.name)) problems.push(`--${flag.name} is required: ${synopsis(flag)}`);
  }
  if (problems.length > 0) return { help, values: {}, problems };
  const { values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
  return { help, values: values as FlagValues, problems };
}

type Token = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number];

/**
 * The token a flag-looking word stands for, taking the following positional word as its value
 * when the flag expects one (`--jurisdiction EEA` right after a flag that lacked its value).
 */
function retokenize(
  word: string,
  next: Token | undefined,
  byName: ReadonlyMap<string, FlagSpec>,
  byShort: ReadonlyMap<string, FlagSpec>,
): { token: Token; consumedNext: boolean } {
  const m = /^--([^=]+)(?:=(.*))?$/.exec(word) ?? /^-([^-=])(?:=(.*))?$/.exec(word);
  if (!m) return { token: { kind: 'positional', index: -1, value: word }, consumedNext: false };
  const long = word.startsWith('--');
  const flag = long ? byName.get(m[1]) : byShort.get(m[1]);
  const base = { kind: 'option' as const, name: flag?.name ?? m[1], rawName: long ? `--${m[1]}` : `-${m[1]}`, index: -1 };
  if (m[2] !== undefined) return { token: { ...base, value: m[2], inlineValue: true }, consumedNext: false };
  if (flag?.type === 'string' && next?.kind === 'positional') {
    return { token: { ...base, value: next.value, inlineValue: false }, consumedNext: true };
  }
  return { token: { ...base, value: undefined, inlineValue: undefined }, consumedNext: false };
}

/** Where a command writes its output; tests pass collectors, the CLIs pass the process streams. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

/** Prints one `error:` line per problem and the promise that nothing was changed. */
export function reportProblems(io: Io, problems: readonly string[], trailer = 'Nothing was written.'): void {
  for (const p of problems) io.err(`error: ${p}`);
  if (trailer) io.err(trailer);
}

/**
 * The start every command shares: parses `argv`, prints the help for `--help`, and one `error:`
 * line per problem for a bad command line. Returns the flag values, or the exit code when the
 * command is already done. `command` is the npm script name, for the pointer to `--help`.
 */
export function readCommandLine(
  argv: readonly string[],
  spec: CommandSpec,
  io: Io,
  command: string,
): { readonly values: FlagValues } | { readonly exitCode: number } {
  const parsed = parseFlags(argv, spec);
  if (parsed.help) {
    io.out(formatHelp(spec));
    return { exitCode: EXIT_OK };
  }
  if (parsed.problems.length > 0) {
    reportProblems(io, parsed.problems, `Nothing was written. See npm run ${command} -- --help.`);
    return { exitCode: EXIT_USAGE };
  }
  return { values: parsed.values };
}

/** A string flag's value, or undefined. */
export function stringFlag(values: FlagValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** Splits a comma-separated flag value; empty items are kept so the schema can name them. */
export function listFlag(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') return [];
  return value.split(',').map((s) => s.trim());
}

/**
 * Runs a command's synchronous main. Ctrl-C and SIGTERM are caught (not left to kill the process
 * mid-write), so main finishes its own undo and clean-up first; the process then exits with the
 * signal's conventional status.
 */
export function runCli(main: (argv: readonly string[]) => number): void {
  process.on('SIGINT', () => process.exit(130));
  process.on('SIGTERM', () => process.exit(143));
  process.exitCode = main(process.argv.slice(2));
}
