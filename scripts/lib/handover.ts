/**
 * Handing a tenant's project to its customer (DPA 10.2, HAND-1): the command's flags, which phase
 * may follow which, and the in-place edit of the tenant file. The phases themselves are built by
 * ProjectHandoff and TenantStack from the lifecycle state this writes.
 */
import { isScalar } from 'yaml';
import { ENV_FLAG, TENANT_FLAG } from './paths';
import type { LifecycleState, TenantConfig } from '../../config/schema';
import type { CommandSpec } from './cli';
import { editTenantText } from './tenant-file';

import { HANDOVER_PHASES, type HandoverPhase } from '../../config/lifecycle-states';

export { HANDOVER_PHASES, type HandoverPhase };

/** The lifecycle state each phase moves to, and the state it must come from. */
export const PHASE_TRANSITIONS: Readonly<Record<HandoverPhase, { from: LifecycleState; to: LifecycleState }>> = {
  prepare: { from: 'active', to: 'handover-prepare' },
  transfer: { from: 'handover-prepare', to: 'handover-transfer' },
  release: { from: 'handover-transfer', to: 'handed-over' },
};

/** Flags only the prepare phase takes, and the schema field each sets. */
export const PREPARE_FLAGS = {
  'customer-org': 'customerOrganizationId',
  'customer-billing': 'customerBillingAccount',
  'owner-group': 'customerOwnerGroup',
  'customer-directory': 'customerDirectoryCustomerId',
} as const;

export const HANDOVER_SPEC: CommandSpec = {
  usage: [
    'npm run handover -- --env <env> --tenant <id> --phase prepare --customer-org <org id> \\',
    '    --customer-billing <billing account> --owner-group <email> --customer-directory <C...>',
    'npm run handover -- --env <env> --tenant <id> --phase transfer',
    'npm run handover -- --env <env> --tenant <id> --phase release',
  ],
  summary: [
    "Hands a project Smart Segments provisioned for a customer (warehouse mode customer, provisionedBy",
    'smart-segments) over to that customer, one phase per run (DPA 10.2, HAND-1). Each run moves the',
    "tenant's lifecycle state one step, checks the stack still synthesizes with every compliance rule,",
    'and prints what CI deploys next. No phase deletes data or leaves the project without an owner.',
    '  prepare   active -> handover-prepare: the customer owner group gets roles/owner; the platform',
    "            admits the customer's directory on the tenant's folder (IAM-7)",
    "  transfer  handover-prepare -> handover-transfer: the project moves to the customer's organization",
    "            and billing account; Smart Segments' workloads lose their delete protection",
    "  release   handover-transfer -> handed-over: Smart Segments' workloads, grants and secrets are",
    '            destroyed; the project, the owner grant and the warehouse leave Terraform state intact',
  ].join('\n'),
  flags: [
    ENV_FLAG,
    TENANT_FLAG,
    { name: 'phase', type: 'string', value: '<phase>', description: `One of ${HANDOVER_PHASES.join(', ')}.`, required: true },
    { name: 'customer-org', type: 'string', value: '<org id>', description: "prepare: the customer's numeric organization id." },
    { name: 'customer-billing', type: 'string', value: '<billing>', description: "prepare: the customer's billing account (XXXXXX-XXXXXX-XXXXXX)." },
    { name: 'owner-group', type: 'string', value: '<email>', description: "prepare: the customer's group that takes ownership (a group, never a person)." },
    { name: 'customer-directory', type: 'string', value: '<C...>', description: "prepare: the customer's directory customer id, for domain-restricted sharing." },
    { name: 'environments-dir', type: 'string', value: '<dir>', description: 'Read and write another environments folder (default environments/, or $ENVIRONMENTS_DIR).' },
  ],
  footer: 'Exit status: 0 done, 1 synthesis failed or the phase cannot be applied in one step (plan-check; the file is not changed), 2 invalid input or a tenant in the wrong state.',
};

/** Why `tenant` cannot enter `phase`, or undefined when it can. */
export function handoverRefusal(tenant: Pick<TenantConfig, 'id' | 'lifecycle' | 'warehouse'>, phase: HandoverPhase): string | undefined {
  if (!(tenant.warehouse.mode === 'customer' && tenant.warehouse.provisionedBy === 'smart-segments')) {
    return `tenant "${tenant.id}" has no project provisioned for takeover (warehouse mode ${tenant.warehouse.mode}${
      tenant.warehouse.mode === 'customer' ? ', provisionedBy customer: the project is already the customer\'s' : ''
    }); only warehouse mode customer with provisionedBy smart-segments can be handed over (DPA 10.2)`;
  }
  const { from, to } = PHASE_TRANSITIONS[phase];
  if (tenant.lifecycle.state !== from) {
    return `tenant "${tenant.id}" is in lifecycle state ${tenant.lifecycle.state}; --phase ${phase} moves ${from} to ${to}`;
  }
  return undefined;
}

/** The tenant file moved to the phase's lifecycle state (and, for prepare, with the handover details). */
export function withHandoverPhase(text: string, phase: HandoverPhase, details?: Record<string, string>): string {
  const { to } = PHASE_TRANSITIONS[phase];
  return editTenantText(text, (doc) => {
    const state = doc.getIn(['lifecycle', 'state'], true);
    if (isScalar(state)) {
      state.value = to;
      state.comment = undefined;
    } else {
      doc.setIn(['lifecycle', 'state'], to);
    }
    if (details) doc.setIn(['lifecycle', 'handover'], doc.createNode(details));
  });
}
