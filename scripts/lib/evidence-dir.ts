/**
 * Where offboarding evidence is kept: evidence/<env>/ of this repository, a tracked folder (unlike
 * reports/). The destroy job writes it and uploads it as an artifact; an operator commits it by
 * change request (docs/tenant-lifecycle.md, "Where the evidence is kept").
 */
import * as path from 'path';
import type { FlagSpec } from './cli';
import { REPO_ROOT } from './paths';

export const DEFAULT_EVIDENCE_DIR = path.join(REPO_ROOT, 'evidence');

export const EVIDENCE_DIR_FLAG: FlagSpec = {
  name: 'evidence-dir',
  type: 'string',
  value: '<dir>',
  description: 'Folder of the evidence; files go to <dir>/<env>/. Default: evidence/ of this repository (tracked).',
};

export function evidenceDirFrom(flag: string | undefined): string {
  return path.resolve(flag ?? DEFAULT_EVIDENCE_DIR);
}

/** The folder of one environment's evidence. */
export function environmentEvidenceDir(evidenceDir: string, env: string): string {
  return path.join(evidenceDir, env);
}
