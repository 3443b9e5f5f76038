/**
 * IAM-4 (DPA Annex II 2): default service accounts hold no roles. Every project Smart Segments
 * creates deprivileges them (google_project_default_service_accounts), nothing is granted to them,
 * and the platform enforces iam.automaticIamGrantsForDefaultServiceAccounts on the tenant folders.
 */
import { createsProject } from '../../config/loader';
import { enforcedConstraintFindings } from '../enforced-constraint';
import { grantsOf } from '../grants';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant } from '../rule';

const CONSTRAINT = 'iam.automaticIamGrantsForDefaultServiceAccounts';
const DEPRIVILEGING_ACTIONS = ['DEPRIVILEGE', 'DELETE', 'DISABLE'];

export const iam4NoGrantsToDefaultAccounts = defineCheck({
  id: 'IAM-4/no-grants-to-default-accounts',
  explanation: "Nothing is granted to a project's default service accounts (Compute Engine, App Engine).",
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const grants = grantsOf(ctx.stack);
    const toDefault = grants.filter((x) => x.principal.isDefaultServiceAccount);
    if (toDefault.length > 0)
      return toDefault.map((g) =>
        nonCompliant(g.address, `${g.role} is granted to the default service account ${g.principal.email}.`, "grant it to the workload's own WorkloadIdentity instead."),
      );
    if (ctx.kind === 'tenant' && ctx.tenant && !createsProject(ctx.tenant))
      return [
        compliant(
          STACK_ADDRESS,
          "the customer's own project: nothing is granted to its default service accounts (their settings are the customer's, HAND-2)",
        ),
      ];
    return grants.length > 0 ? [compliant(STACK_ADDRESS, `${grants.length} grants, none to a default service account`)] : [];
  },
});

export const iam4Deprivileged = defineCheck({
  id: 'IAM-4/deprivileged',
  explanation: 'Every project a stack creates deprivileges its default service accounts (google_project_default_service_accounts).',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    return ctx.stack.ofType('google_project').map((p) => {
      const project = p.values.project_id;
      const d = ctx.stack
        .ofType('google_project_default_service_accounts')
        .find((x) => x.values.project === project || String(x.values.project ?? '').includes(`google_project.${p.name}.`));
      if (d && DEPRIVILEGING_ACTIONS.includes(String(d.values.action)))
        return compliant(d.address, `default service accounts of ${String(project)}: ${String(d.values.action)}`);
      return nonCompliant(
        d?.address ?? p.address,
        `the default service accounts of project ${String(project)} keep their roles (${
          d ? `action ${String(d.values.action)}` : 'no google_project_default_service_accounts'
        }).`,
        'add google_project_default_service_accounts with action DEPRIVILEGE (TenantProject does).',
      );
    });
  },
});

export const iam4AutomaticGrantsDisabled = defineCheck({
  id: 'IAM-4/automatic-grants-disabled',
  explanation: `The platform enforces ${CONSTRAINT} on the organization or every tenant folder, so new default accounts get no Editor role.`,
  appliesTo: ['platform'],
  check(ctx) {
    return enforcedConstraintFindings(ctx, CONSTRAINT, (j) => `enforce ${CONSTRAINT} on the ${j} folder or the organization.`);
  },
});

/** The checks of IAM-4, in the order the report lists them. */
export const iam4DefaultServiceAccountsChecks = [iam4NoGrantsToDefaultAccounts, iam4Deprivileged, iam4AutomaticGrantsDisabled] as const;
