/**
 * IAM-2/role-exists (DPA Annex II 2): a supplementary check of IAM-2. Every granted role is a
 * predefined Google Cloud role of the vendored dataset (policy/data) or a custom role declared
 * in the same stack, so the permissions a grant carries are known and reviewable; a misspelt role
 * fails here, not halfway through an apply.
 */
import { grantsOf } from '../grants';
import { isCustomRole, roleDatasetDate, roleExists } from '../../policy/iam-roles';
import { compliant, defineCheck, nonCompliant, notApplicable, type Finding } from '../rule';

export const iam2RoleExists = defineCheck({
  id: 'IAM-2/role-exists',
  explanation: 'Every granted role exists: a predefined role of the IAM role dataset, or a custom role the stack declares.',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const grants = grantsOf(ctx.stack);
    if (grants.length === 0) return [notApplicable('the stack grants nothing')];
    const custom = new Set(
      ctx.stack
        .ofType('google_project_iam_custom_role', 'google_organization_iam_custom_role')
        .map((r) =>
          r.type === 'google_project_iam_custom_role'
            ? `projects/${String(r.values.project)}/roles/${String(r.values.role_id)}`
            : `organizations/${String(r.values.org_id)}/roles/${String(r.values.role_id)}`,
        ),
    );
    const findings: Finding[] = [];
    for (const g of grants) {
      if (roleExists(g.role)) findings.push(compliant(g.address, `${g.role} (predefined, role dataset of ${roleDatasetDate()})`));
      else if (isCustomRole(g.role) && custom.has(g.role))
        findings.push(compliant(g.address, `${g.role} (custom role declared in this stack)`));
      else
        findings.push(
          nonCompliant(
            g.address,
            `role ${g.role} is neither a predefined role (role dataset of ${roleDatasetDate()}) nor a custom role declared in this stack.`,
            'correct the role name, or declare the custom role in the stack.',
          ),
        );
    }
    return findings;
  },
});

/** The checks of IAM-2, in the order the report lists them. */
export const iam2RoleExistsChecks = [iam2RoleExists] as const;
