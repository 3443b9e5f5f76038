/**
 * `--shard <i>/<n>`: one of n deterministic parts of an environment's stacks, so a CI matrix splits a
 * synthesis. Every platform stack is in shard 1 (tenants' deployability checks read it, and it is
 * planned first); tenant stacks, sorted by stack name, are dealt round-robin, so shards differ by at
 * most one tenant and the same names always give the same shards.
 */
export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

export class ShardError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShardError';
  }
}

/** Parses `<i>/<n>` (1 <= i <= n); `flag` names the input in the error. */
export function parseShard(value: string, flag = '--shard'): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new ShardError(`${flag}: got "${value}"; expected <i>/<n> with 1 <= i <= n (1-based), for example ${flag} 1/4`);
  }
  return { index, count };
}

/** The stacks of `shard` among `names`; `isPlatform` tells platform stacks apart. Order is kept. */
export function stacksOfShard(names: readonly string[], shard: Shard, isPlatform: (name: string) => boolean): string[] {
  const tenants = names.filter((n) => !isPlatform(n)).sort();
  const mine = new Set(tenants.filter((_, k) => k % shard.count === shard.index - 1));
  return names.filter((n) => (isPlatform(n) ? shard.index === 1 : mine.has(n)));
}
