/** `npm run synth`'s command line and `--shard`'s split (scripts/lib/shard.ts). */
import { main } from '../../main';
import { parseShard, stacksOfShard } from '../../scripts/lib/shard';
import { collectingIo } from './support';

describe('npm run synth', () => {
  it('prints its usage for --help', async () => {
    const c = collectingIo();
    expect(await main(['--help'], c.io)).toBe(0);
    expect(c.out.join('\n')).toMatch(/^Usage:\n {2}npm run synth \[-- --shard <i>\/<n>\]/);
    expect(c.out.join('\n')).toMatch(/--shard <i>\/<n>/);
  });

  it.each(['0/2', '3/2', '1/0', 'a/b', '2', '1/2/3'])('refuses --shard %s naming the flag and the form, before reading config', async (value) => {
    const c = collectingIo();
    expect(await main(['--shard', value], c.io)).toBe(2);
    expect(c.err.join('\n')).toContain(`--shard: got "${value}"; expected <i>/<n> with 1 <= i <= n (1-based), for example --shard 1/4`);
  });

  it('refuses --workers 0', async () => {
    const c = collectingIo();
    expect(await main(['--workers', '0'], c.io)).toBe(2);
    expect(c.err.join('\n')).toContain('--workers: got "0"; expected a whole number of at least 1');
  });
});

describe('--shard', () => {
  const names = ['platform-a', 'tenant-a-d', 'tenant-a-b', 'tenant-a-c', 'tenant-a-a', 'platform-b', 'tenant-b-a'];
  const isPlatform = (n: string) => n.startsWith('platform-');

  it('parses i/n', () => {
    expect(parseShard('2/5')).toEqual({ index: 2, count: 5 });
  });

  it('puts every platform stack in shard 1, deals tenants round-robin by name, and the shards partition the stacks', () => {
    const shards = [1, 2, 3].map((index) => stacksOfShard(names, { index, count: 3 }, isPlatform));
    expect(shards[0]).toEqual(['platform-a', 'tenant-a-d', 'tenant-a-a', 'platform-b']);
    expect(shards[1]).toEqual(['tenant-a-b', 'tenant-b-a']);
    expect(shards[2]).toEqual(['tenant-a-c']);
    expect(shards.flat().sort()).toEqual([...names].sort());
  });

  it('gives the same split whatever order the names come in', () => {
    const reversed = [...names].reverse();
    for (const index of [1, 2, 3]) {
      expect(stacksOfShard(reversed, { index, count: 3 }, isPlatform).sort()).toEqual(stacksOfShard(names, { index, count: 3 }, isPlatform).sort());
    }
  });
});
