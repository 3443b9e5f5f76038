/**
 * IAM-4 (DPA Annex II 2): default service accounts hold no roles. Every project Smart Segments
 * creates deprivileges them (google_project_default_service_accounts), nothing is granted to them,
 * and the platform enforces iam.automaticIamGrantsForDefaultServiceAccounts on the tenant folders.
 */
import { createsProject } from '../../config/loader';
import { enforcedConstraintFindings } from '../enforced-constraint';
import { grantsOf } from '../grants';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, type Finding } from '../rule';

const CONSTRAINT = 'iam.automaticIamGrantsForDefaultServiceAccounts';
const DEPRIVILEGING_ACTIONS = ['DEPRIVILEGE', 'DELETE', 'DISABLE'];

export const iam4DefaultServiceAccounts = defineCheck({
  id: 'IAM-4/default-service-accounts',
  explanation: 'Default service accounts are deprivileged and granted nothing; automatic Editor grants to them are disabled by org policy.',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const findings: Finding[] = [];
    for (const g of grantsOf(ctx.stack).filter((x) => x.principal.isDefaultServiceAccount)) {
      findings.push(
        nonCompliant(
          g.address,
          `${g.role} is granted to the default service account ${g.principal.email}.`,
          "grant it to the workload's own WorkloadIdentity instead.",
        ),
      );
    }
    for (const p of ctx.stack.ofType('google_project')) {
      const project = p.values.project_id;
      const d = ctx.stack
        .ofType('google_project_default_service_accounts')
        .find((x) => x.values.project === project || String(x.values.project ?? '').includes(`google_project.${p.name}.`));
      if (d && DEPRIVILEGING_ACTIONS.includes(String(d.values.action)))
        findings.push(compliant(d.address, `default service accounts of ${String(project)}: ${String(d.values.action)}`));
      else
        findings.push(
          nonCompliant(
            d?.address ?? p.address,
            `the default service accounts of project ${String(project)} keep their roles (${
              d ? `action ${String(d.values.action)}` : 'no google_project_default_service_accounts'
            }).`,
            'add google_project_default_service_accounts with action DEPRIVILEGE (TenantProject does).',
          ),
        );
    }
    if (ctx.kind === 'tenant' && ctx.tenant && !createsProject(ctx.tenant) && findings.length === 0) {
      findings.push(
        compliant(
          STACK_ADDRESS,
          "the customer's own project: nothing is granted to its default service accounts (their settings are the customer's, HAND-2)",
        ),
      );
    }
    if (ctx.kind === 'platform') {
      findings.push(...enforcedConstraintFindings(ctx, CONSTRAINT, (j) => `enforce ${CONSTRAINT} on the ${j} folder or the organization.`));
    }
    return findings;
  },
});

/** The checks of IAM-4, in the order the report lists them. */
export const iam4DefaultServiceAccountsChecks = [iam4DefaultServiceAccounts] as const;
