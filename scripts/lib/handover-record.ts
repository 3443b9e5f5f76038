/**
 * The handover record (HAND-1, DPA 10.2): what the customer keeps, as `reports/handover-<env>-<id>.md`
 * and `.json`, committed with the tenant file. Written by the release and rewritten by its last
 * step: the customer's steps before each phase (exact commands), the effective date, what the
 * customer now owns and how to manage or replace it, what Smart Segments removed, and the DPA 10.2
 * statement. Built from the tenant's config, the release table (constructs/state-release.ts) and
 * the stack as it stood before the release (what the release destroys).
 */
import { describeGeneration, type GenerationMetadata } from '../../compliance/report/generation';
import { jurisdictionRules, kmsLocationFor } from '../../config/jurisdictions';
import type { EnvironmentConfig, ResolvedTenant } from '../../config/loader';
import { sharedProjectId, tenantDeployerMember } from '../../config/naming';
import { releasedAddress, releasedResources } from '../../constructs/state-release';
import {
  CUSTOMER_ADMIN_ROLES,
  EXPORT_CONSTRAINT,
  HANDOVER_APPLY_ROLE_ID,
  HANDOVER_READ_ROLE_ID,
  IMPORT_CONSTRAINT,
  MOVER_ROLE,
  handoverRoleName,
  underOrganization,
} from '../../policy/handover';
import type { SynthesizedStack } from '../../compliance/synthesized-stack';

export const DPA_10_2 =
  'DPA 10.2 (Customer-Owned Infrastructure Option): the Customer has taken over full operational control of the project in lieu of deletion, and is solely responsible for the data retained in it after the effective date of takeover.';

export interface HandoverRecord {
  readonly environment: string;
  readonly tenant: string;
  readonly customer: string;
  readonly project: string;
  readonly customerOrganization: string;
  readonly customerBillingAccount: string;
  readonly administrators: string;
  readonly effectiveDate: string;
  /** The day Smart Segments removed its last access, or null while the release's last step is pending. */
  readonly ownAccessRemoved: string | null;
  readonly recorded: Readonly<Record<string, string>>;
  readonly customerSteps: ReadonlyArray<{ readonly before: string; readonly steps: ReadonlyArray<{ readonly what: string; readonly command: string }> }>;
  readonly customerOwns: ReadonlyArray<{ readonly what: string; readonly name: string; readonly manage: string }>;
  readonly removedBySmartSegments: readonly string[];
  readonly releasedFromState: readonly string[];
  readonly statement: string;
  /** When, from which commit and with which tool the record was written (as every report states it). */
  readonly generation: GenerationMetadata;
}

/** The customer's commands before each step, with the values of this handover. */
export function customerSteps(environment: EnvironmentConfig, tenant: ResolvedTenant): HandoverRecord['customerSteps'] {
  const h = tenant.lifecycle.handover!;
  const ours = environment.platform.organization.id;
  const deployer = tenantDeployerMember(environment.platform, tenant.jurisdiction);
  const expires = h.moverGrantExpires ?? 'the expiry of the move grant recorded at prepare';
  return [
    {
      before: 'prepare',
      steps: [
        {
          what: `Create the group that will administer the project (${h.customerOwnerGroup}) in the customer's directory; prepare grants it ${CUSTOMER_ADMIN_ROLES.join(', ')}.`,
          command: `gcloud identity groups describe ${h.customerOwnerGroup}`,
        },
      ],
    },
    {
      before: 'transfer',
      steps: [
        {
          what: `Allow imports from Smart Segments' organization (${IMPORT_CONSTRAINT}, on the customer's organization; needs roles/orgpolicy.policyAdmin there).`,
          command: [
            `cat > import-policy.yaml <<'EOF'`,
            `name: organizations/${h.customerOrganizationId}/policies/${IMPORT_CONSTRAINT}`,
            'spec:',
            '  rules:',
            '  - values:',
            '      allowedValues:',
            `      - ${underOrganization(ours)}`,
            'EOF',
            'gcloud org-policies set-policy import-policy.yaml',
          ].join('\n'),
        },
        {
          what: "Let Smart Segments' deployer create the project under the customer's organization for the move (resourcemanager.projects.create on the destination), until the move grant expires.",
          command: `gcloud organizations add-iam-policy-binding ${h.customerOrganizationId} --member=${deployer} --role=roles/resourcemanager.projectCreator --condition='expression=request.time < timestamp("${expires}T00:00:00Z"),title=smart-segments-handover'`,
        },
        {
          what: "Let the deployer link the project to the customer's billing account (billing.resourceAssociations.create).",
          command: `gcloud billing accounts add-iam-policy-binding ${h.customerBillingAccount} --member=${deployer} --role=roles/billing.user`,
        },
        {
          what: 'Then Smart Segments records both confirmations.',
          command: `npm run handover -- --env ${environment.name} --tenant ${tenant.id} --phase transfer --customer-import-policy-confirmed --customer-billing-grant-confirmed`,
        },
      ],
    },
    {
      before: 'release',
      steps: [
        {
          what: `Check the administrators administer the moved project (it now inherits the customer's organization policies); owner can now be granted, the project being in the customer's organization.`,
          command: [
            `gcloud projects get-iam-policy ${tenant.projectId} --flatten=bindings --filter="bindings.members:group:${h.customerOwnerGroup}"`,
            `bq ls --project_id=${tenant.projectId}`,
          ].join('\n'),
        },
      ],
    },
    {
      before: 'the end (after relinquish is applied)',
      steps: [
        {
          what: "Take back what was granted for the move; it is no longer needed.",
          command: [
            `gcloud organizations remove-iam-policy-binding ${h.customerOrganizationId} --member=${deployer} --role=roles/resourcemanager.projectCreator --all`,
            `gcloud billing accounts remove-iam-policy-binding ${h.customerBillingAccount} --member=${deployer} --role=roles/billing.user`,
            `gcloud org-policies delete ${IMPORT_CONSTRAINT} --organization=${h.customerOrganizationId}`,
          ].join('\n'),
        },
        {
          what: 'Confirm no Smart Segments principal holds a role in the project.',
          command: `gcloud projects get-iam-policy ${tenant.projectId} --format=json | grep -c '${environment.platform.organization.domain}\\|${sharedProjectId(environment.platform)}' || true`,
        },
        {
          what: "Remove the entries the release left naming Smart Segments' deleted service accounts (they admit nobody), and the two handover roles, which nobody holds any more.",
          command: [
            `gcloud projects get-iam-policy ${tenant.projectId} --format=json | grep -n 'deleted:serviceAccount:'`,
            `bq show --format=prettyjson ${tenant.projectId}:smart_segments | grep -n 'deleted:'`,
            `gcloud iam roles delete ${HANDOVER_READ_ROLE_ID} --project=${tenant.projectId}`,
            `gcloud iam roles delete ${HANDOVER_APPLY_ROLE_ID} --project=${tenant.projectId}`,
          ].join('\n'),
        },
      ],
    },
  ];
}

/** What the customer now owns, with how to manage or replace it. */
function customerOwns(tenant: ResolvedTenant): HandoverRecord['customerOwns'] {
  const location = jurisdictionRules(tenant.jurisdiction).storageMultiRegion ?? tenant.region;
  const keyLocation = kmsLocationFor(tenant.jurisdiction, [location]);
  const ring = `customer-data-${keyLocation}`;
  const project = tenant.projectId;
  return [
    { what: 'project', name: project, manage: `yours under organization ${tenant.lifecycle.handover!.customerOrganizationId}; released from Smart Segments' Terraform state without being destroyed (removed block), so nothing of ours can delete it` },
    { what: 'BigQuery dataset', name: `${project}:smart_segments (${location})`, manage: `bq show ${project}:smart_segments; time travel 48 hours; access is yours to grant (bq update / IAM)` },
    ...(tenant.sources.length > 0
      ? [{ what: 'BigQuery table', name: `${project}:smart_segments.source_events`, manage: 'delete protection is a Terraform setting only; nothing of ours writes to it any more' }]
      : []),
    ...(keyLocation
      ? [
          {
            what: 'Cloud KMS key (encrypts the warehouse)',
            name: `projects/${project}/locations/${keyLocation}/keyRings/${ring}/cryptoKeys/warehouse`,
            manage: [
              `rotates automatically; to change: gcloud kms keys update warehouse --keyring=${ring} --location=${keyLocation} --project=${project} --rotation-period=<days>d`,
              `to replace it: create your own key, set it as the dataset default (bq update --default_kms_key=<key> ${project}:smart_segments) and rewrite each table with it (bq cp -f --destination_kms_key=<key> ${project}:smart_segments.<table> ${project}:smart_segments.<table>)`,
              'never disable or destroy the old key version before every table is rewritten: the data it encrypts becomes unreadable (crypto-shredding)',
            ].join('; '),
          },
        ]
      : []),
    { what: 'administration grants', name: CUSTOMER_ADMIN_ROLES.map((r) => `${r} to group:${tenant.lifecycle.handover!.customerOwnerGroup}`).join(', '), manage: 'yours to keep, change or replace with roles/owner' },
  ];
}

/** The record of a tenant whose release is recorded; `before` is its stack as synthesized in the transfer phase. */
export function buildHandoverRecord(environment: EnvironmentConfig, tenant: ResolvedTenant, before: SynthesizedStack, generation: GenerationMetadata): HandoverRecord {
  const h = tenant.lifecycle.handover!;
  if (!h.effectiveDate) throw new Error(`tenant ${tenant.id}: no effective date recorded; the record is written by the release`);
  // The release table, and every grant of the stack but the folder's move grant (state-release.ts releasedGrants).
  const grants = before.resources.filter((r) => r.type.endsWith('_iam_member') && r.type !== 'google_folder_iam_member').map((r) => r.address);
  const released = [...new Set([...releasedResources(tenant).map(releasedAddress), ...grants])];
  const keep = new Set(released);
  const deployer = tenantDeployerMember(environment.platform, tenant.jurisdiction);
  const destroyed = before.resources.filter((r) => !keep.has(r.address)).map((r) => r.address);
  const recorded = Object.fromEntries(
    (['prepared', 'moverGrantExpires', 'customerImportPolicyConfirmed', 'customerBillingGrantConfirmed', 'customerAdminsConfirmed', 'effectiveDate', 'ownAccessRemoved'] as const)
      .filter((k) => h[k] !== undefined)
      .map((k) => [k, h[k]!]),
  );
  return {
    environment: environment.name,
    tenant: tenant.id,
    customer: tenant.displayName,
    project: tenant.projectId,
    customerOrganization: h.customerOrganizationId,
    customerBillingAccount: h.customerBillingAccount,
    administrators: `group:${h.customerOwnerGroup}`,
    effectiveDate: h.effectiveDate,
    ownAccessRemoved: h.ownAccessRemoved ?? null,
    recorded,
    customerSteps: customerSteps(environment, tenant),
    customerOwns: customerOwns(tenant),
    removedBySmartSegments: [
      ...destroyed,
      `${EXPORT_CONSTRAINT} on the tenant folder and ${MOVER_ROLE} of ${deployer} there (in the list above when declared)`,
      `roles/owner of ${deployer} on ${tenant.projectId} (Google's for the project's creator): removed when the project was created`,
      ...[
        [handoverRoleName(tenant.projectId, HANDOVER_READ_ROLE_ID), `serviceAccount:ci-plan@${sharedProjectId(environment.platform)}.iam.gserviceaccount.com`],
        [handoverRoleName(tenant.projectId, HANDOVER_APPLY_ROLE_ID), deployer],
      ].map(([role, member]) =>
        h.ownAccessRemoved
          ? `the handover grant of ${role} to ${member}, removed ${h.ownAccessRemoved}`
          : `the handover grant of ${role} to ${member} (until ${h.moverGrantExpires ?? 'its expiry'}): removed by the last step, \`npm run handover -- --phase relinquish\`, still pending`,
      ),
    ],
    releasedFromState: released.sort(),
    statement: DPA_10_2,
    generation,
  };
}

export function renderHandoverRecord(r: HandoverRecord): string {
  const lines = [
    `# Handover record: ${r.customer} (${r.tenant}, environment ${r.environment})`,
    '',
    `- **Project:** ${r.project}, now in organization ${r.customerOrganization}, billed to ${r.customerBillingAccount}`,
    `- **Administrators:** ${r.administrators}`,
    `- **Effective date:** ${r.effectiveDate}. No processing by Smart Segments since ${r.effectiveDate}.`,
    `- **Smart Segments' last access removed:** ${r.ownAccessRemoved ?? 'pending (`--phase relinquish`)'}`,
    `- **Recorded:** ${Object.entries(r.recorded).map(([k, v]) => `${k} ${v}`).join('; ')}`,
    '',
    `> ${r.statement}`,
    '',
    '## What the customer now owns',
    '',
    '| what | name | how to manage or replace it |',
    '|---|---|---|',
    ...r.customerOwns.map((o) => `| ${o.what} | \`${o.name}\` | ${o.manage.replace(/\|/g, '\\|')} |`),
    '',
    "## The customer's steps",
    '',
  ];
  for (const s of r.customerSteps) {
    lines.push(`### Before ${s.before}`, '');
    for (const step of s.steps) lines.push(`- ${step.what}`, '', '  ```sh', ...step.command.split('\n').map((l) => `  ${l}`), '  ```', '');
  }
  lines.push("## What Smart Segments removed", '', ...r.removedBySmartSegments.map((x) => `- \`${x}\``.replace(/^- `(.* .*)`$/, '- $1')), '');
  lines.push('## Released from Terraform state without being destroyed (`removed` blocks)', '', ...r.releasedFromState.map((a) => `- \`${a}\``), '');
  lines.push(describeGeneration(r.generation), '');
  return lines.join('\n');
}
