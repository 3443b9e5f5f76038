/**
 * Atomic file writes for scripts: a reader (or a crash) sees either the old file or the complete
 * new one, never half of it. The data goes to a temporary file in the same directory (so the final
 * rename stays on one file system and is atomic), is flushed to disk, and is then renamed over the
 * target. On any error the temporary file is removed.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

export interface WriteOptions {
  /**
   * When false, fail with an EEXIST error instead of replacing an existing file (the check and the
   * write are one atomic step, so two writers cannot both create the file). Default true.
   */
  readonly overwrite?: boolean;
  /** File mode of a newly created file. Default 0o644. */
  readonly mode?: number;
}

/**
 * Temporary name next to `target`. It starts with a dot so directory scans that skip hidden files
 * (the config loader does) never pick up a half-written file.
 */
export function tempPathFor(target: string): string {
  const suffix = `${process.pid}.${crypto.randomBytes(6).toString('hex')}`;
  return path.join(path.dirname(target), `.${path.basename(target)}.${suffix}.tmp`);
}

function writeTemp(target: string, data: string | Uint8Array, mode: number): string {
  const temp = tempPathFor(target);
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, 'wx', mode);
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    return temp;
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw e;
  }
}

/** Writes `data` to `target` atomically (see the module comment). */
export function writeFileAtomic(target: string, data: string | Uint8Array, options: WriteOptions = {}): void {
  const temp = writeTemp(target, data, options.mode ?? 0o644);
  try {
    if (options.overwrite === false) {
      // link() fails with EEXIST if the target exists: an atomic create-if-absent.
      fs.linkSync(temp, target);
      fs.rmSync(temp, { force: true });
    } else {
      fs.renameSync(temp, target);
    }
  } catch (e) {
    fs.rmSync(temp, { force: true });
    throw e;
  }
}

/**
 * Writes several files that belong together (for example a report in two formats). Every file is
 * first written to its temporary name; only when all of them are on disk are they renamed into
 * place, so an error while writing leaves none of them changed.
 */
export function writeFilesAtomic(files: ReadonlyArray<{ path: string; data: string | Uint8Array }>, mode = 0o644): void {
  const temps: Array<{ temp: string; target: string }> = [];
  try {
    for (const f of files) temps.push({ temp: writeTemp(f.path, f.data, mode), target: f.path });
    for (const t of temps) fs.renameSync(t.temp, t.target);
  } finally {
    for (const t of temps) fs.rmSync(t.temp, { force: true });
  }
}
