/** Organization policy resources for the tables of RES-2, IAM-3 and IAM-4 (folders of TABLE_PLATFORM). */
import { TABLE_PLATFORM } from '../table';

export const FOLDERS = TABLE_PLATFORM.tenantFolders as Record<'EEA' | 'UK' | 'CH' | 'AU', string>;
export const ORGANIZATION = `organizations/${TABLE_PLATFORM.organization.id}`;

/** A boolean constraint on `parent`, enforced or not, optionally under a condition. */
export function booleanPolicy(parent: string, constraint: string, enforce: unknown = 'TRUE', condition?: Record<string, unknown>): Record<string, unknown> {
  return { name: `${parent}/policies/${constraint}`, parent, spec: { rules: [{ enforce, ...(condition ? { condition } : {}) }] } };
}

/** The constraint enforced on every tenant folder, keyed by a resource name per jurisdiction (`eea`, `uk`, ...). */
export function onEveryFolder(constraint: string, except?: string): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(FOLDERS)
      .filter(([j]) => j !== except)
      .map(([j, folder]) => [j.toLowerCase(), booleanPolicy(folder, constraint)]),
  );
}
