/** Where the scripts read and write by default, and how they print paths. */
import * as path from 'path';
import { DEFAULT_ENVIRONMENTS_DIR } from '../../config/loader';
import type { FlagSpec } from './cli';

/** The repository's root folder. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The --env flag of every command that works on one environment. */
export const ENV_FLAG: FlagSpec = {
  name: 'env',
  type: 'string',
  value: '<env>',
  required: true,
  description: 'Environment folder under environments/, for example example.',
};

/** The --tenant flag of the lifecycle commands. */
export const TENANT_FLAG: FlagSpec = {
  name: 'tenant',
  type: 'string',
  value: '<id>',
  required: true,
  description: 'Tenant id (its file is environments/<env>/tenants/<id>.yaml).',
};

/** The help lines on the variables of the commands that change one tenant's file and stack. */
export const TENANT_CHANGE_ENVIRONMENT_HELP = [
  'Environment:',
  '  ENVIRONMENTS_DIR  default for --environments-dir',
  "  CDKTF_OUTDIR      synthesis output folder (default cdktf.out/); only the tenant's stack is replaced",
] as const;

/** The --environments-dir flag of the lifecycle commands, read by environmentsDirFrom. */
export const ENVIRONMENTS_DIR_FLAG: FlagSpec = {
  name: 'environments-dir',
  type: 'string',
  value: '<dir>',
  description: 'Folder holding the environments. Default: $ENVIRONMENTS_DIR, else environments/ of this repository.',
};

/** --environments-dir, else $ENVIRONMENTS_DIR (as main.ts reads it), else the repository's environments/. */
export function environmentsDirFrom(flag: string | undefined): string {
  return path.resolve(flag ?? (process.env.ENVIRONMENTS_DIR || DEFAULT_ENVIRONMENTS_DIR));
}

/** $CDKTF_OUTDIR (as cdktf reads it), else the repository's cdktf.out/. */
export function outdirFromEnv(): string {
  return path.resolve(process.env.CDKTF_OUTDIR || path.join(REPO_ROOT, 'cdktf.out'));
}

/** A path relative to the working directory when it lies below it, else absolute. */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
