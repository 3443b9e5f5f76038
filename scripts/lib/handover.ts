/**
 * Handing a tenant's project to its customer (DPA 10.2, HAND-1, docs/handover.md): the command's
 * flags, which step may follow which, what each step needs recorded before it starts, and the
 * in-place edit of the tenant file. The phases themselves are built by ProjectHandoff and
 * TenantStack from the lifecycle state and the details this writes.
 */
import { isScalar } from 'yaml';
import { ENV_FLAG, TENANT_FLAG } from './paths';
import type { LifecycleState, TenantConfig } from '../../config/schema';
import type { CommandSpec } from './cli';
import { editTenantText } from './tenant-file';

/**
 * The command's steps: the three phases of the lifecycle (config/lifecycle-states.ts) and the
 * release's last step, `relinquish`, which removes Smart Segments' own last access once the release
 * is applied, and `close`, which records that deploy so the stack is no longer synthesized (both stay in
 * lifecycle state handed-over).
 */
export const HANDOVER_STEPS = ['prepare', 'transfer', 'release', 'relinquish', 'close'] as const;
export type HandoverStep = (typeof HANDOVER_STEPS)[number];

/** The lifecycle state each step moves to, and the state it must come from. */
export const STEP_TRANSITIONS: Readonly<Record<HandoverStep, { from: LifecycleState; to: LifecycleState }>> = {
  prepare: { from: 'active', to: 'handover-prepare' },
  transfer: { from: 'handover-prepare', to: 'handover-transfer' },
  release: { from: 'handover-transfer', to: 'handed-over' },
  relinquish: { from: 'handed-over', to: 'handed-over' },
  close: { from: 'handed-over', to: 'handed-over' },
};

/** Flags only the prepare step takes, and the schema field each sets. */
export const PREPARE_FLAGS = {
  'customer-org': 'customerOrganizationId',
  'customer-billing': 'customerBillingAccount',
  'admin-group': 'customerOwnerGroup',
  'customer-directory': 'customerDirectoryCustomerId',
} as const;

/** Confirmations a step needs, the flag that records each and the field it sets (to the day it was given). */
export const CONFIRMATIONS: Readonly<Record<HandoverStep, ReadonlyArray<{ flag: string; field: string; what: string }>>> = {
  prepare: [],
  transfer: [
    {
      flag: 'customer-import-policy-confirmed',
      field: 'customerImportPolicyConfirmed',
      what: "the customer set constraints/resourcemanager.allowedImportSources on its organization naming Smart Segments' organization, and granted the deployer roles/resourcemanager.projectCreator there",
    },
    {
      flag: 'customer-billing-grant-confirmed',
      field: 'customerBillingGrantConfirmed',
      what: 'the customer granted the deployer roles/billing.user (billing.resourceAssociations.create) on its billing account',
    },
  ],
  release: [
    {
      flag: 'customer-admins-confirmed',
      field: 'customerAdminsConfirmed',
      what: "the customer's administrators administer the moved project (they listed its IAM policy and the warehouse)",
    },
  ],
  relinquish: [],
  close: [],
};

/** Days the move grant lasts when --mover-expires is not given. */
export const DEFAULT_MOVER_GRANT_DAYS = 30;

export const HANDOVER_SPEC: CommandSpec = {
  usage: [
    'npm run handover -- --env <env> --tenant <id> --phase prepare --customer-org <org id> \\',
    '    --customer-billing <billing account> --admin-group <email> --customer-directory <C...> [--mover-expires <YYYY-MM-DD>]',
    'npm run handover -- --env <env> --tenant <id> --phase transfer --customer-import-policy-confirmed --customer-billing-grant-confirmed',
    'npm run handover -- --env <env> --tenant <id> --phase release --customer-admins-confirmed [--effective-date <YYYY-MM-DD>]',
    'npm run handover -- --env <env> --tenant <id> --phase relinquish',
    'npm run handover -- --env <env> --tenant <id> --phase close',
  ],
  summary: [
    'Hands a project Smart Segments provisioned for a customer (warehouse mode customer, provisionedBy',
    'smart-segments) over to that customer, one step per run (DPA 10.2, HAND-1, docs/handover.md). Each run',
    "records the step in the tenant's file, checks the stack synthesizes with both packs and applies in",
    'one step, and prints what CI deploys next and what the customer does before the next step.',
    "  prepare     active -> handover-prepare: the customer's administrators get Project IAM Admin, BigQuery",
    "              Admin and Cloud KMS Admin; the tenant folder allows exports to the customer's organization;",
    '              the deployer gets a time-bound Project Mover grant on the folder; workloads lose delete protection',
    "  transfer    handover-prepare -> handover-transfer: the project moves to the customer's organization and",
    '              billing account (needs the customer\'s confirmations below)',
    "  release     handover-transfer -> handed-over: Smart Segments' resources are destroyed; the project, the",
    "              warehouse, its keys and the customer's grants leave Terraform state intact; the effective",
    '              date is recorded and the handover record is written',
    "  relinquish  after the release is applied: removes the time-bound handover grants, the last access",
    '  close       after the relinquish deploy: the stack is no longer synthesized (it can no longer be planned)',
  ].join('\n'),
  flags: [
    ENV_FLAG,
    TENANT_FLAG,
    { name: 'phase', type: 'string', value: '<step>', description: `One of ${HANDOVER_STEPS.join(', ')}.`, required: true },
    { name: 'customer-org', type: 'string', value: '<org id>', description: "prepare: the customer's numeric organization id." },
    { name: 'customer-billing', type: 'string', value: '<billing>', description: "prepare: the customer's billing account (XXXXXX-XXXXXX-XXXXXX)." },
    { name: 'admin-group', type: 'string', value: '<email>', description: "prepare: the customer's group that administers the project (a group, never a person)." },
    { name: 'customer-directory', type: 'string', value: '<C...>', description: "prepare: the customer's directory customer id, for domain-restricted sharing." },
    {
      name: 'mover-expires',
      type: 'string',
      value: '<YYYY-MM-DD>',
      description: `prepare, transfer: the day the deployer's move grant expires (after today). Default at prepare: today + ${DEFAULT_MOVER_GRANT_DAYS} days; at transfer it extends the recorded one.`,
    },
    ...HANDOVER_STEPS.flatMap((step) => CONFIRMATIONS[step].map((c) => ({ name: c.flag, type: 'boolean' as const, description: `${step}: confirms ${c.what}.` }))),
    { name: 'effective-date', type: 'string', value: '<YYYY-MM-DD>', description: 'release: the effective date of the handover (DPA 10.2). Default today; not in the future.' },
    { name: 'reports-dir', type: 'string', value: '<dir>', description: 'release, relinquish, close: where the handover record is written and read (default reports/).' },
    { name: 'environments-dir', type: 'string', value: '<dir>', description: 'Read and write another environments folder (default environments/, or $ENVIRONMENTS_DIR).' },
  ],
  footer: 'Exit status: 0 done, 1 synthesis failed or the step cannot be applied in one step (plan-check; the file is not changed), 2 invalid input or a tenant in the wrong state.',
};

type Tenant = Pick<TenantConfig, 'id' | 'lifecycle' | 'warehouse' | 'jurisdiction'>;

/** Why `tenant` cannot take `step`, or undefined when it can. `others`: the environment's other tenants. */
export function handoverRefusal(tenant: Tenant, step: HandoverStep, others: readonly Tenant[] = []): string | undefined {
  if (!(tenant.warehouse.mode === 'customer' && tenant.warehouse.provisionedBy === 'smart-segments')) {
    return `tenant "${tenant.id}" has no project provisioned for takeover (warehouse mode ${tenant.warehouse.mode}${
      tenant.warehouse.mode === 'customer' ? ", provisionedBy customer: the project is already the customer's (HAND-2, docs/handover.md)" : ', a project Smart Segments owns and hosts'
    }); only warehouse mode customer with provisionedBy smart-segments can be handed over (DPA 10.2)`;
  }
  const { from, to } = STEP_TRANSITIONS[step];
  const h = tenant.lifecycle.handover;
  if (tenant.lifecycle.state !== from) {
    return `tenant "${tenant.id}" is in lifecycle state ${tenant.lifecycle.state}; --phase ${step} moves ${from} to ${to}`;
  }
  if (step === 'relinquish') {
    if (!h?.effectiveDate) return `tenant "${tenant.id}" has no recorded release (lifecycle.handover.effectiveDate); run --phase release first`;
    if (h.ownAccessRemoved) return `tenant "${tenant.id}" is relinquished already (lifecycle.handover.ownAccessRemoved ${h.ownAccessRemoved}); after its deploy, close it with --phase close`;
  }
  if (step === 'close') {
    if (!h?.ownAccessRemoved) return `tenant "${tenant.id}" has no recorded relinquish (lifecycle.handover.ownAccessRemoved); run --phase relinquish and its deploy first`;
    if (h.closed) return `tenant "${tenant.id}" is closed already (lifecycle.handover.closed ${h.closed}); the handover is complete`;
  }
  if (step === 'prepare') {
    // One export policy per folder and constraint: two handovers from one folder would fight over it.
    const busy = others.find((o) => o.id !== tenant.id && o.jurisdiction === tenant.jurisdiction && (o.lifecycle.state === 'handover-prepare' || o.lifecycle.state === 'handover-transfer'));
    if (busy) {
      return `tenant "${busy.id}" of the same ${tenant.jurisdiction} folder is mid-handover (${busy.lifecycle.state}); the folder holds one export policy, so finish that handover's release first`;
    }
  }
  return undefined;
}

/** The tenant file with the step recorded: its lifecycle state and the handover fields it sets. */
export function withHandoverStep(text: string, step: HandoverStep, fields: Readonly<Record<string, string>>): string {
  const { to } = STEP_TRANSITIONS[step];
  return editTenantText(text, (doc) => {
    const state = doc.getIn(['lifecycle', 'state'], true);
    if (isScalar(state)) {
      state.value = to;
      state.comment = undefined;
    } else {
      doc.setIn(['lifecycle', 'state'], to);
    }
    for (const [field, value] of Object.entries(fields)) doc.setIn(['lifecycle', 'handover', field], value);
  });
}

/** `day` plus `days`, as YYYY-MM-DD (UTC). */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
