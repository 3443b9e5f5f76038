/**
 * SUB-1 (DPA 5, Annex III): no principal outside Smart Segments, the tenant's customer and the
 * listed subprocessors is granted anything; the subprocessor register is code (config/subprocessors.ts);
 * dbt Labs' dedicated account may only run jobs and edit the tenant's dataset. Public members are
 * judged by IAM-6.
 */
import { SUBPROCESSORS } from '../../config/subprocessors';
import { WORKLOAD_ACCOUNT_IDS } from '../../config/naming';
import { grantsOf } from '../grants';
import { partyOf } from '../parties';
import { compliant, defineCheck, nonCompliant, notApplicable, type Finding } from '../rule';

/** What dbt Labs' account may hold: BigQuery jobs in the project, edit on datasets and tables. */
export const DBT_ALLOWED = [
  { role: 'roles/bigquery.jobUser', level: 'project' },
  { role: 'roles/bigquery.dataEditor', level: 'resource' },
] as const;

export const sub1AdmittedPrincipals = defineCheck({
  id: 'SUB-1/admitted-principals',
  explanation: 'Only Smart Segments, the customer and subprocessors listed in the Annex III register are granted anything.',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const findings: Finding[] = [];
    const grants = grantsOf(ctx.stack);
    if (grants.length === 0) return [notApplicable('the stack grants nothing')];
    for (const g of grants) {
      if (g.principal.kind === 'public') continue;
      const party = partyOf(ctx, g.principal);
      if (party.kind === 'unknown')
        findings.push(
          nonCompliant(
            g.address,
            `${g.role} is granted to ${g.principal.written}: ${party.because}.`,
            "grant only to Smart Segments principals, the customer's own groups or a subprocessor listed in config/subprocessors.ts (add a subprocessor there only after the DPA 5.3 notice).",
          ),
        );
      else findings.push(compliant(g.address, `${g.principal.member}: ${party.name} (${party.because})`));
    }
    findings.push(compliant('config/subprocessors.ts', `the Annex III register as code: ${SUBPROCESSORS.map((s) => s.id).join(', ')}`));
    return findings;
  },
});

export const sub1DbtScope = defineCheck({
  id: 'SUB-1/dbt-scope',
  explanation: "The dedicated dbt Labs account only runs BigQuery jobs in the project and edits the tenant's datasets and tables.",
  appliesTo: ['tenant'],
  check(ctx) {
    const dbt = `${WORKLOAD_ACCOUNT_IDS.dbt}@${ctx.tenant!.projectId}.iam.gserviceaccount.com`;
    const grants = grantsOf(ctx.stack).filter((g) => g.principal.email === dbt);
    if (grants.length === 0) return [notApplicable("the stack grants nothing to dbt Labs' account")];
    return grants.map((g) => {
      const ok = DBT_ALLOWED.some(
        (a) =>
          a.role === g.role &&
          (a.level === 'resource'
            ? g.target.level === 'resource' && /bigquery_(dataset|table)$/.test(g.target.resourceType)
            : g.target.level === a.level),
      );
      return ok
        ? compliant(g.address, `dbt Labs' account: ${g.role} on ${g.target.level} ${g.target.id}`)
        : nonCompliant(
            g.address,
            `dbt Labs' account holds ${g.role} on ${g.target.level} ${g.target.id}, beyond running jobs and editing the tenant's dataset.`,
            'grant dbt only roles/bigquery.jobUser on the project and roles/bigquery.dataEditor on the dataset.',
          );
    });
  },
});

/** The checks of SUB-1, in the order the report lists them. */
export const sub1AdmittedPrincipalsChecks = [sub1AdmittedPrincipals, sub1DbtScope] as const;
