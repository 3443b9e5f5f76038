/**
 * IAM-1 (DPA Annex II 2): no basic role (owner, editor, viewer) is granted to anyone, on anything.
 * No exception: a handover gives the customer's administrators non-basic administration roles
 * (HAND-1, policy/handover.ts), because Resource Manager cannot grant roles/owner to a principal
 * outside the project's organization. Nor is the ownership Google gives a creator kept: a dataset's
 * OWNER entry (IAM-1/dataset-creator-access) and a project's roles/owner (IAM-1/creator-owner-removed).
 */
import { platformDeployerMember, sharedProjectId, tenantDeployerMember } from '../../config/naming';
import { grantsOf } from '../grants';
import { dependenciesOf } from '../synthesized-stack';
import { blocks } from '../json-blocks';
import { isBasicRole } from '../../policy/iam-roles';
import { resolvePrincipal } from '../principals';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable, type Finding } from '../rule';

export const iam1NoBasicRoles = defineCheck({
  id: 'IAM-1/no-basic-roles',
  explanation: 'No basic role is granted, to anyone, on anything (a handover customer included).',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const grants = grantsOf(ctx.stack);
    if (grants.length === 0) return [notApplicable('the stack grants nothing')];
    const findings: Finding[] = [];
    const predefined = grants.filter((g) => !isBasicRole(g.role));
    if (predefined.length > 0)
      findings.push(
        compliant(
          STACK_ADDRESS,
          `${predefined.length} grant${predefined.length === 1 ? '' : 's'} of predefined or custom roles, none basic`,
        ),
      );
    for (const g of grants.filter((x) => isBasicRole(x.role))) {
      findings.push(
        nonCompliant(
          g.address,
          `basic role ${g.role} is granted to ${g.principal.member} on ${g.target.resourceType} ${g.target.id}.`,
          'grant the predefined role the task needs, on the resource it needs it on (a handover customer: the administration roles of policy/handover.ts).',
        ),
      );
    }
    return findings;
  },
});

/** The member an inline dataset access entry names, when it names a principal (not a view, dataset or routine). */
function accessMember(entry: Record<string, unknown>): string | undefined {
  if (typeof entry.iam_member === 'string') return entry.iam_member;
  if (typeof entry.user_by_email === 'string') return `${/\.gserviceaccount\.com$/i.test(entry.user_by_email) ? 'serviceAccount' : 'user'}:${entry.user_by_email}`;
  if (typeof entry.group_by_email === 'string') return `group:${entry.group_by_email}`;
  if (typeof entry.domain === 'string') return `domain:${entry.domain}`;
  if (typeof entry.special_group === 'string') return `specialGroup:${entry.special_group}`;
  return undefined;
}

/**
 * BigQuery makes the creator of a dataset created without an access list its OWNER (REST datasets
 * `access`: "If unspecified at dataset creation time, BigQuery adds default dataset access for ...
 * [dataset creator email]: OWNER"), a dataset-level grant that outlives every folder role and
 * follows the project out of our organization at a handover. So every dataset declares its list,
 * and the list names neither a deployer (the `ci-` accounts of the shared project,
 * constructs/ci-deployer-identity.ts) nor a person.
 */
export const iam1DatasetCreatorAccess = defineCheck({
  id: 'IAM-1/dataset-creator-access',
  explanation:
    "Every BigQuery dataset is created with an explicit access list (so BigQuery adds no OWNER entry for the deployer that creates it), and the list names no CI deployer and no user.",
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const datasets = ctx.stack.ofType('google_bigquery_dataset');
    if (datasets.length === 0) return [notApplicable('the stack declares no BigQuery dataset')];
    const deployerDomain = `@${sharedProjectId(ctx.environment.platform)}.iam.gserviceaccount.com`.toLowerCase();
    const findings: Finding[] = [];
    for (const d of datasets) {
      const entries = blocks(d.values.access);
      if (entries.length === 0) {
        findings.push(
          nonCompliant(
            d.address,
            `dataset ${String(d.values.dataset_id)} declares no access list, so BigQuery makes the identity that creates it (the deployer) an OWNER of the dataset, a grant no folder role limits and that stays after a handover.`,
            "declare `access` at creation, for example [{ role: 'OWNER', special_group: 'projectOwners' }], with lifecycle.ignore_changes = [access] so the dataset IAM members keep their entries (Warehouse).",
          ),
        );
        continue;
      }
      const named = entries.flatMap((e) => {
        const member = accessMember(e);
        if (!member) return [];
        const p = resolvePrincipal(ctx.stack, member);
        const deployer = p.kind === 'serviceAccount' && (p.email ?? '').toLowerCase().endsWith(deployerDomain) && /^ci-/.test(p.serviceAccountId ?? '');
        return deployer || p.kind === 'user' ? [{ member: p.member, why: deployer ? 'a CI deployer' : 'a person' }] : [];
      });
      for (const n of named)
        findings.push(
          nonCompliant(
            d.address,
            `the access list of dataset ${String(d.values.dataset_id)} names ${n.member}, ${n.why}, so it keeps access to the dataset whatever its folder roles.`,
            'name only the project\'s owners (special_group projectOwners) at creation, and grant workloads and groups through the Warehouse grant methods.',
          ),
        );
      if (named.length === 0)
        findings.push(compliant(d.address, `dataset ${String(d.values.dataset_id)} is created with an explicit access list of ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, none a deployer or a user`));
    }
    return findings;
  },
});

/**
 * Google makes the creator of a project its Owner (REST projects.create: "Initially, the project
 * resource is owned by its creator exclusively"), a project-level role no folder role limits, that no deny policy
 * of our folders reaches once the project leaves them, and that DEP-PERM does not count. So a stack
 * that creates a project removes its applier from roles/owner there, once the project exists.
 */
export const iam1CreatorOwnerRemoved = defineCheck({
  id: 'IAM-1/creator-owner-removed',
  explanation:
    "A stack that creates a project also removes the roles/owner Google gives the project's creator, the stack's deployer (ci-platform for the platform stack, the tenant deployer for a tenant stack), with google_project_iam_member_remove depending on the project.",
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const projects = ctx.stack.ofType('google_project');
    if (projects.length === 0) return [notApplicable('the stack creates no project')];
    const applier = ctx.tenant ? tenantDeployerMember(ctx.environment.platform, ctx.tenant.jurisdiction) : platformDeployerMember(ctx.environment.platform);
    const removals = ctx.stack.ofType('google_project_iam_member_remove');
    const findings: Finding[] = [];
    for (const p of projects) {
      const projectId = String(p.values.project_id);
      const removal = removals.find(
        (r) => r.values.role === 'roles/owner' && r.values.member === applier && (r.values.project === projectId || ctx.stack.resolveReference(r.values.project) === p),
      );
      if (!removal) {
        findings.push(
          nonCompliant(
            p.address,
            `the stack creates project ${projectId} but does not remove roles/owner of ${applier}, which Google gives the project's creator: the deployer would stay Owner of the project, outside every folder role and deny policy.`,
            "declare google_project_iam_member_remove { project, role = roles/owner, member = the stack's deployer } depending on the project (TenantProject's creator).",
          ),
        );
      } else if (!dependenciesOf(removal).has(p.address)) {
        findings.push(
          nonCompliant(
            removal.address,
            `the removal of ${applier}'s roles/owner on ${projectId} does not depend on ${p.address}, so Terraform may run it before the project exists and the owner role stays.`,
            'make it depend on the project (depends_on, or reference the project in `project`).',
          ),
        );
      } else findings.push(compliant(removal.address, `roles/owner of ${applier}, the creator of ${projectId}, is removed once the project exists`));
    }
    return findings;
  },
});

/** The checks of IAM-1, in the order the report lists them. */
export const iam1NoBasicRolesChecks = [iam1NoBasicRoles, iam1DatasetCreatorAccess, iam1CreatorOwnerRemoved] as const;
