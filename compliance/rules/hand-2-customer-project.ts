/**
 * HAND-2 (DPA A.7): in a customer-owned project Smart Segments creates no project and changes
 * nothing project-wide (APIs, audit configs, log buckets, default accounts, contacts, policies,
 * authoritative IAM); it creates only the service accounts the tenant config implies, with additive
 * grants.
 */
import { impliedAccountIds } from '../../config/naming';
import { createsProject } from '../../config/loader';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable, type Finding } from '../rule';

/** Resource types that change a project as a whole, which only the project's owner may do. */
export const PROJECT_WIDE_TYPES: Readonly<Record<string, string>> = {
  google_project: 'creates (and would own) the project',
  google_project_service: 'enables or disables an API for the whole project',
  google_project_iam_audit_config: "changes the project's audit log settings",
  google_project_iam_binding: 'replaces every holder of a role on the project',
  google_project_iam_policy: "replaces the project's whole IAM policy",
  google_logging_project_bucket_config: "changes the project's log buckets",
  google_project_default_service_accounts: "changes the project's default service accounts",
  google_essential_contacts_contact: "changes the project's essential contacts",
  google_org_policy_policy: "sets an organization policy on the customer's resources",
  google_project_organization_policy: "sets an organization policy on the customer's project",
  google_project_metadata: "changes the project's metadata",
  google_project_metadata_item: "changes the project's metadata",
  google_logging_project_sink: "routes the project's logs elsewhere",
  google_logging_project_exclusion: "drops the project's logs",
};

export const hand2NoProjectWideChange = defineCheck({
  id: 'HAND-2/no-project-wide-change',
  explanation: "In a customer's own project, no project is created and nothing project-wide (APIs, audit, logging, policies) is changed.",
  appliesTo: ['tenant'],
  check(ctx) {
    const tenant = ctx.tenant!;
    if (createsProject(tenant)) return [notApplicable('Smart Segments provisions and owns this project')];
    const findings: Finding[] = [];
    for (const r of ctx.stack.resources) {
      const why = PROJECT_WIDE_TYPES[r.type];
      if (why)
        findings.push(
          nonCompliant(
            r.address,
            `${r.type} ${why} in the customer's own project ${tenant.projectId}.`,
            'leave project-wide settings to the customer (it enables the APIs and creates the service agents itself, docs/data-plane.md).',
          ),
        );
    }
    if (findings.length === 0) findings.push(compliant(STACK_ADDRESS, `no project, API, audit, logging or policy change in ${tenant.projectId}`));
    return findings;
  },
});

export const hand2ImpliedServiceAccounts = defineCheck({
  id: 'HAND-2/implied-service-accounts',
  explanation: "In a customer's own project, Smart Segments creates only the service accounts the tenant config implies.",
  appliesTo: ['tenant'],
  check(ctx) {
    const tenant = ctx.tenant!;
    if (createsProject(tenant)) return [notApplicable('Smart Segments provisions and owns this project')];
    const findings: Finding[] = [];
    const implied = impliedAccountIds(tenant);
    for (const sa of ctx.stack.ofType('google_service_account')) {
      const id = String(sa.values.account_id);
      if (implied.includes(id)) findings.push(compliant(sa.address, `${id}: implied by ${tenant.sourceFile}`));
      else
        findings.push(
          nonCompliant(
            sa.address,
            `service account ${id} is not implied by the tenant config (expected only ${implied.join(', ')}).`,
            "create in the customer's project only what its tenant config names.",
          ),
        );
    }
    return findings.length > 0 ? findings : [notApplicable("the stack creates no service account in the customer's project")];
  },
});

/** The checks of HAND-2, in the order the report lists them. */
export const hand2CustomerProjectChecks = [hand2NoProjectWideChange, hand2ImpliedServiceAccounts] as const;
