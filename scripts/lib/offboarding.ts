/**
 * Offboarding a tenant (DPA 10.1, 10.4): the edits to its file, made in place with the yaml
 * Document API so every comment and the rest of the file survive, and the checks on the lifecycle
 * state each step needs. The schema stays the judge of the result.
 */
import { isScalar } from 'yaml';
import type { LifecycleState } from '../../config/schema';
import { editTenantText as editDocument } from './tenant-file';
import { DELETION_PROMISE, deletionDeadline } from '../../policy/dpa';
import type { CommandSpec } from './cli';
import { ENVIRONMENTS_DIR_FLAG, ENV_FLAG, TENANT_FLAG } from './paths';

export const OFFBOARD_SPEC: CommandSpec = {
  usage: [
    'npm run offboard -- --env <env> --tenant <id> --requested <YYYY-MM-DD>',
    'npm run offboard -- --env <env> --tenant <id> --certificate --evidence <file> [--evidence-dir <dir>]',
    'npm run offboard -- --env <env> --tenant <id> --confirm-removed [--evidence-dir <dir>]',
  ],
  summary: [
    `Deletes a tenant's data within the DPA's ${DELETION_PROMISE.days} days and proves it, in three steps:`,
    '  1. --requested moves the tenant to lifecycle state "offboarding": its stack then lifts delete',
    '     protection and lets destroy shut the project down. CI deploys and then destroys the stack.',
    '  2. --certificate --evidence <file> writes evidence/<env>/deletion-<env>-<id>.md, .json and .html (DEL-1):',
    '     every data store, the request date, the day of deletion taken from the destroy evidence (which the',
    '     destroy job records with npm run record-destroy), and the latest date a copy can exist, computed from',
    `     the synthesized stack. A copy that outlives the request by more than ${DELETION_PROMISE.days} days does not stop it: the`,
    '     certificate states the breach of DPA 10.1 (the days, the stores) and the notice DPA 8 then requires.',
    '     It refuses, writing nothing, without evidence, with evidence of another tenant, stack or environment,',
    '     of a failed destroy, or when a store was not reported destroyed.',
    '     Certificates and evidence are kept in the tracked folder evidence/<env>/, committed by change request.',
    '  3. --confirm-removed records that the stack is gone, so `npm run synth` stops producing it.',
    'Choose exactly one of --requested, --certificate and --confirm-removed. Dates are UTC.',
  ].join('\n'),
  flags: [
    ENV_FLAG,
    TENANT_FLAG,
    {
      name: 'requested',
      type: 'string',
      value: '<YYYY-MM-DD>',
      description:
        `Step 1: the date the customer asked for deletion; the ${DELETION_PROMISE.days} days run from it.\nNot in the future. Refused for a tenant that is mid-handover, handed over or already offboarding.`,
    },
    {
      name: 'certificate',
      type: 'boolean',
      description: 'Step 2: synthesize the stack and write the deletion certificate. Needs state offboarding.',
    },
    {
      name: 'evidence',
      type: 'string',
      value: '<file>',
      description:
        'With --certificate (required): the destroy evidence, evidence/<env>/destroy-<stack>-<run>-<attempt>.json,\nwritten by npm run record-destroy in the destroy job. The day of deletion is its finish time (UTC).',
    },
    {
      name: 'deployed',
      type: 'string',
      value: '<YYYY-MM-DD>',
      description: 'Removed: a typed date is no evidence. Use --evidence <file>; giving --deployed is an error.',
    },
    {
      name: 'confirm-removed',
      type: 'boolean',
      description: 'Step 3: mark the removal confirmed (lifecycle.offboarding.removalConfirmed: true).\nNeeds the certificate in evidence/<env>/.',
    },
    {
      name: 'evidence-dir',
      type: 'string',
      value: '<dir>',
      description: 'Where certificates are written and read, in <dir>/<env>/. Default: evidence/ of this repository (tracked).',
    },
    ENVIRONMENTS_DIR_FLAG,
  ],
  footer: [
    'Environment:',
    '  ENVIRONMENTS_DIR  default for --environments-dir',
    '',
    'Exit status: 0 done (a certificate stating a breach included); 1 the step failed (synthesis failed, plan-check refused the change,\nor a store was not shown deleted);',
    '2 invalid flags or evidence, or the tenant is in the wrong state (nothing written).',
    '',
    'Example:',
    '  npm run offboard -- --env example --tenant thames-bowl --requested 2026-03-03',
    '  (CI: npx cdktf deploy tenant-example-thames-bowl, then npx cdktf destroy tenant-example-thames-bowl)',
    '  (CI, after the destroy: npm run record-destroy -- ... writes evidence/example/destroy-tenant-example-thames-bowl-<run>-<attempt>.json)',
    '  npm run offboard -- --env example --tenant thames-bowl --certificate --evidence evidence/example/destroy-tenant-example-thames-bowl-<run>-<attempt>.json',
    '  npm run offboard -- --env example --tenant thames-bowl --confirm-removed',
  ].join('\n'),
};

/** Why a tenant in `state` cannot start offboarding, or undefined when it can. */
export function offboardingRefusal(state: LifecycleState, id: string): string | undefined {
  switch (state) {
    case 'active':
      return undefined;
    case 'offboarding':
      return `tenant "${id}" is already offboarding; continue with --certificate once the stack has been destroyed`;
    case 'handover-prepare':
    case 'handover-transfer':
      return `tenant "${id}" is mid-handover (lifecycle state ${state}); finish or roll back the handover (DPA 10.2) before deleting its data`;
    case 'handed-over':
      return `tenant "${id}" was handed over to the customer (DPA 10.2); the project and its data are the customer's now, there is nothing here to delete`;
  }
}

/** The tenant file moved to lifecycle state offboarding with the request date; the rest unchanged. */
export function withOffboardingRequested(text: string, requested: string): string {
  return editDocument(text, (doc) => {
    const state = doc.getIn(['lifecycle', 'state'], true);
    if (isScalar(state)) {
      state.value = 'offboarding';
      // A trailing comment described the old state.
      state.comment = undefined;
    } else {
      doc.setIn(['lifecycle', 'state'], 'offboarding');
    }
    doc.setIn(['lifecycle', 'offboarding'], doc.createNode({ requested, removalConfirmed: false }));
    const lifecycle = doc.get('lifecycle', true) as { commentBefore?: string | null } | undefined;
    if (lifecycle) {
      const note = ` Offboarding requested ${requested} (npm run offboard); Customer Data must be gone by ${deletionDeadline(requested)} (DPA 10.1).`;
      lifecycle.commentBefore = lifecycle.commentBefore ? `${lifecycle.commentBefore}\n${note}` : note;
    }
  });
}

/** The tenant file with the removal confirmed; the rest unchanged. */
export function withRemovalConfirmed(text: string): string {
  return editDocument(text, (doc) => {
    doc.setIn(['lifecycle', 'offboarding', 'removalConfirmed'], true);
  });
}
