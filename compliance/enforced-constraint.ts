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
  // Every folder of a jurisdiction (its tenant folder and its audit folder) must enforce it.
  return tenantFolderJurisdictions(ctx).flatMap((j) => {
    const found = policies.filter((x) => x.folderJurisdiction === j);
    if (found.length === 0) return [nonCompliant(STACK_ADDRESS, `${constraint} is not set on the ${j} tenant folder.`, folderFix(j))];
    return found.map((p) =>
      p.enforced === true && !p.conditional
        ? compliant(p.address, `${constraint} enforced on the ${j} folder`)
        : nonCompliant(p.address, `${constraint} is not unconditionally enforced on the ${j} tenant folder.`, folderFix(j)),
    );
  });
}
