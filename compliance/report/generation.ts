/**
 * When, from which commit and with which tool version a report was generated (every report states
 * it: the compliance report, the records of processing, the deletion certificate). The values are
 * gathered by the scripts (scripts/lib/report-output.ts); here only their shape and their words.
 */
export interface GenerationMetadata {
  /** UTC, YYYY-MM-DDTHH:MM:SSZ. */
  readonly generatedAt: string;
  /** `git rev-parse HEAD`, or null when the tool does not run from a git checkout. */
  readonly commit: string | null;
  /** True when `git status --porcelain` listed changes: the report may not match the commit. */
  readonly uncommittedChanges: boolean;
  /** package.json name@version. */
  readonly tool: string;
  /** The command that generated the report. */
  readonly command: string;
}

/** One sentence naming the generation: time, commit (or why there is none) and tool. */
export function describeGeneration(g: GenerationMetadata): string {
  const source =
    g.commit === null
      ? 'not a git checkout (no commit to cite)'
      : `commit ${g.commit}${g.uncommittedChanges ? ' with uncommitted changes (the files differ from that commit)' : ''}`;
  return `Generated ${g.generatedAt} (UTC) by \`${g.command}\` with ${g.tool}, from ${source}.`;
}
