/** Atomic writes: a target is either untouched or completely replaced, and no temporary file stays. */
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic, writeFilesAtomic } from '../../scripts/lib/atomic-write';
import { tempDir } from './cli-harness';

describe('writeFileAtomic', () => {
  it('replaces a file completely and leaves nothing else in the directory', () => {
    const t = tempDir('ss-atomic-');
    try {
      const file = path.join(t.dir, 'a.yaml');
      fs.writeFileSync(file, 'old\n');
      writeFileAtomic(file, 'new\n');
      expect(fs.readFileSync(file, 'utf8')).toBe('new\n');
      expect(fs.readdirSync(t.dir)).toEqual(['a.yaml']);
    } finally {
      t.remove();
    }
  });

  it('with overwrite: false refuses an existing file, keeps it and removes its temporary file', () => {
    const t = tempDir('ss-atomic-');
    try {
      const file = path.join(t.dir, 'a.yaml');
      fs.writeFileSync(file, 'first\n');
      expect(() => writeFileAtomic(file, 'second\n', { overwrite: false })).toThrow(/EEXIST/);
      expect(fs.readFileSync(file, 'utf8')).toBe('first\n');
      expect(fs.readdirSync(t.dir)).toEqual(['a.yaml']);
      writeFileAtomic(path.join(t.dir, 'b.yaml'), 'b\n', { overwrite: false });
      expect(fs.readdirSync(t.dir).sort()).toEqual(['a.yaml', 'b.yaml']);
    } finally {
      t.remove();
    }
  });
});

describe('writeFilesAtomic', () => {
  it('writes none of the files when one cannot be written', () => {
    const t = tempDir('ss-atomic-');
    try {
      const first = path.join(t.dir, 'report.json');
      expect(() =>
        writeFilesAtomic([
          { path: first, data: '{}\n' },
          { path: path.join(t.dir, 'missing-dir', 'report.md'), data: '# r\n' },
        ]),
      ).toThrow(/ENOENT/);
      expect(fs.readdirSync(t.dir)).toEqual([]);
    } finally {
      t.remove();
    }
  });

  it('writes all of them together', () => {
    const t = tempDir('ss-atomic-');
    try {
      writeFilesAtomic([
        { path: path.join(t.dir, 'r.json'), data: '{}\n' },
        { path: path.join(t.dir, 'r.md'), data: '# r\n' },
      ]);
      expect(fs.readdirSync(t.dir).sort()).toEqual(['r.json', 'r.md']);
      expect(fs.readFileSync(path.join(t.dir, 'r.md'), 'utf8')).toBe('# r\n');
    } finally {
      t.remove();
    }
  });
});
