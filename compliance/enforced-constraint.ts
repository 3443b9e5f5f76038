/**
 * A boolean organization policy constraint the platform must enforce: on the organization, or else
 * unconditionally on every tenant folder. IAM-3 and IAM-4 check their constraints this way.
 */
import type { Jurisdiction } from '../config/jurisdictions';
import { orgPoliciesOf } from './org-policies';
import { STACK_ADDRESS, compliant, nonCompliant, type Finding, type RuleContext } from './rule';
import { tenantFolderJurisdictions } from './scope';

/** One finding for the organization-wide policy, or one per tenant folder; `folderFix` says how to fix a folder. */
export function enforcedConstraintFindings(
  ctx: Pick<RuleContext, 'environment' | 'stack'>,
  constraint: string,
  folderFix: (jurisdiction: Jurisdiction) => string,
): Finding[] {
  const policies = orgPoliciesOf(ctx).filter((p) => p.constraint === constraint);
  const orgWide = policies.find((p) => p.parentKind === 'organization' && p.enforced === true && !p.conditional);
  if (orgWide) return [compliant(orgWide.address, `${constraint} enforced on the organization`)];
  return tenantFolderJurisdictions(ctx).map((j) => {
    const p = policies.find((x) => x.folderJurisdiction === j);
    return p && p.enforced === true && !p.conditional
      ? compliant(p.address, `${constraint} enforced on the ${j} folder`)
      : nonCompliant(
          p?.address ?? STACK_ADDRESS,
          `${constraint} is ${p ? 'not unconditionally enforced' : 'not set'} on the ${j} tenant folder.`,
          folderFix(j),
        );
  });
}
