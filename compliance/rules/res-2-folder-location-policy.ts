/**
 * RES-2 (DPA 6.5): the folder holding a jurisdiction's tenant projects carries `gcp.resourceLocations`
 * allowing only that jurisdiction's location groups (`in:eu-locations` for the EEA), and every tenant
 * project Smart Segments creates sits in its jurisdiction's folder.
 */
import { JURISDICTIONS, JURISDICTION_RULES } from '../../config/jurisdictions';
import { orgPoliciesOf } from '../org-policies';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable, type Finding } from '../rule';
import { managesProject, tenantFolderJurisdictions } from '../scope';

const CONSTRAINT = 'gcp.resourceLocations';

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

export const res2ProjectInFolder = defineCheck({
  id: 'RES-2/project-in-folder',
  explanation: "Every tenant project Smart Segments owns sits in its jurisdiction's folder, which carries the location policy.",
  appliesTo: ['tenant'],
  check(ctx) {
    const tenant = ctx.tenant!;
    if (!managesProject(tenant) || tenant.lifecycleView.transferred) {
      return [
        notApplicable(
          "the customer's own project, or one moving to or handed over to the customer, lives in the customer's organization (HAND-1, HAND-2)",
        ),
      ];
    }
    const projects = ctx.stack.ofType('google_project');
    const folder = ctx.environment.platform.tenantFolders[tenant.jurisdiction];
    if (projects.length === 0) {
      return [
        nonCompliant(
          STACK_ADDRESS,
          "the stack creates no google_project, although Smart Segments owns this tenant's project.",
          'build the tenant project with TenantProject.',
        ),
      ];
    }
    return projects.map((p) =>
      p.values.folder_id === folder
        ? compliant(p.address, `in the ${tenant.jurisdiction} folder ${folder}`)
        : nonCompliant(
            p.address,
            `folder_id is ${JSON.stringify(p.values.folder_id)}, not the ${tenant.jurisdiction} folder ${folder} that carries the location policy.`,
            `set folder_id to platform.yaml tenantFolders.${tenant.jurisdiction} (${folder}).`,
          ),
    );
  },
});

export const res2FolderLocationPolicy = defineCheck({
  id: 'RES-2/folder-location-policy',
  explanation: "Each jurisdiction folder carries gcp.resourceLocations allowing exactly its jurisdiction's locations, unconditionally.",
  appliesTo: ['platform'],
  check(ctx) {
    // One policy per jurisdiction folder, naming exactly the table's locations.
    const findings: Finding[] = [];
    const policies = orgPoliciesOf(ctx).filter((p) => p.constraint === CONSTRAINT);
    const withFolder = tenantFolderJurisdictions(ctx);
    const wanted = JURISDICTIONS.filter((j) => j === 'EEA' || withFolder.includes(j));
    for (const j of wanted) {
      const expected = JURISDICTION_RULES[j].orgPolicyLocations;
      const onFolder = policies.filter((p) => p.folderJurisdiction === j);
      if (onFolder.length === 0) {
        findings.push(
          nonCompliant(
            STACK_ADDRESS,
            `no ${CONSTRAINT} policy is set on the ${j} tenant folder.`,
            `add OrganizationPolicies to the ${j} folder (allowed values ${expected.join(', ')}).`,
          ),
        );
        continue;
      }
      for (const p of onFolder) {
        if (sameSet(p.allowedValues, expected) && !p.allowAll && !p.conditional) {
          findings.push(compliant(p.address, `${j} folder allows only ${expected.join(', ')}`));
        } else {
          findings.push(
            nonCompliant(
              p.address,
              `the ${j} folder's ${CONSTRAINT} allows ${p.allowAll ? 'all locations' : JSON.stringify(p.allowedValues)}${
                p.conditional ? ' under a condition' : ''
              }.`,
              `allow exactly ${expected.join(', ')} (config/jurisdictions.ts), unconditionally.`,
            ),
          );
        }
      }
    }
    return findings;
  },
});

export const res2NoOpenLocationPolicy = defineCheck({
  id: 'RES-2/no-open-location-policy',
  explanation: 'No gcp.resourceLocations policy outside the jurisdiction folders allows every location.',
  appliesTo: ['platform'],
  check(ctx) {
    const policies = orgPoliciesOf(ctx).filter((p) => p.constraint === CONSTRAINT && p.folderJurisdiction === undefined);
    if (policies.length === 0) return [notApplicable(`no ${CONSTRAINT} policy outside the jurisdiction folders`)];
    return policies.map((p) =>
      p.allowAll || p.allowedValues.length === 0
        ? nonCompliant(p.address, `${CONSTRAINT} on ${p.parent} allows every location.`, "remove the policy or allow only a jurisdiction's locations.")
        : compliant(p.address, `${CONSTRAINT} on ${p.parent} allows only ${p.allowedValues.join(', ')}`),
    );
  },
});

/** The checks of RES-2, in the order the report lists them. */
export const res2FolderLocationPolicyChecks = [res2ProjectInFolder, res2FolderLocationPolicy, res2NoOpenLocationPolicy] as const;
