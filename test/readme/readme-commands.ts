/**
 * The commands the README shows, in its order: every line of every ```sh block, continuation lines
 * (`\` at the end) joined, blank and comment-only lines dropped. A command the tests cannot run
 * offline matches an entry of NOT_OFFLINE, which says why (and, where a later command depends on
 * what it would have done, does that instead: the stand-in).
 */

export interface ReadmeCommand {
  /** The command as one line, continuations joined. */
  readonly text: string;
  /** 1-based line of the README where it starts. */
  readonly line: number;
  /** The `### ` heading it sits under. */
  readonly section: string;
}

export function readmeCommands(markdown: string): ReadmeCommand[] {
  const lines = markdown.split('\n');
  const commands: ReadmeCommand[] = [];
  let section = '(top)';
  let inSh = false;
  let pending: { text: string; line: number } | undefined;
  lines.forEach((raw, i) => {
    const trimmed = raw.trim();
    if (!inSh && /^#{2,3} /.test(raw)) section = raw.replace(/^#+ /, '');
    if (/^```/.test(trimmed)) {
      inSh = !inSh && /^```(sh|bash|shell)$/.test(trimmed);
      return;
    }
    if (!inSh) return;
    if (pending) {
      pending.text += ` ${trimmed.replace(/\\$/, '').trim()}`;
    } else {
      if (trimmed === '' || trimmed.startsWith('#')) return;
      pending = { text: trimmed.replace(/\\$/, '').trim(), line: i + 1 };
    }
    if (!trimmed.endsWith('\\')) {
      commands.push({ text: pending.text, line: pending.line, section });
      pending = undefined;
    }
  });
  return commands;
}

export interface NotOffline {
  /** Matches the commands this entry covers. */
  readonly pattern: RegExp;
  readonly reason: string;
  /** What the command would have changed that later commands rely on, done offline instead. */
  readonly standIn?: (scratch: string) => void;
}
