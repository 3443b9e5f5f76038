/**
 * DEP-DRS: domain-restricted sharing must admit the Google-managed identities the stacks grant
 * roles to, at the moment of the grant.
 *
 * Service agents and sink writer identities are created and managed by Google and belong to no
 * directory, so the legacy `iam.allowedPolicyMemberDomains` (a list of directory customer ids)
 * refuses every grant to them; Google's advice is to lift the constraint, grant, and enforce it
 * again. The managed constraint `iam.managed.allowedPolicyMembers` with the organization's principal
 * set admits "all identities that are associated with that organization (including ... service
 * accounts ... and service agents)". And since organizations created since May 2024 enforce the
 * legacy constraint at the organization by default, a folder must lift it explicitly, and every grant
 * to a Google-managed identity in this stack must wait for the folder's own policies.
 *
 * Checked on the platform stack, per folder it creates: the Google-managed identities granted roles
 * under the folder (grants in this stack, and the service agents of the tenant projects that will
 * sit in it) against the folder's policies. Grants to identities of projects in another organization
 * (a customer's own project, HAND-2) are outside what a folder policy can decide here; see
 * docs/domain-restricted-sharing.md.
 */
import { listParameter, orgPoliciesOf, type OrgPolicy } from '../../org-policies';
import { compliant, nonCompliant, notApplicable, type Finding } from '../../rule';
import { jurisdictionOfFolderResource } from '../../scope';
import { dependsTransitivelyOn, type SynthesizedResource, type SynthesizedStack } from '../../synthesized-stack';
import { defineCheck, type DeployContext } from '../check';

const LEGACY = 'iam.allowedPolicyMemberDomains';
const MANAGED = 'iam.managed.allowedPolicyMembers';

/** Google-managed identities as IAM members: service agents, and references to a sink's writer identity or an agent data source. */
const GOOGLE_MANAGED_MEMBER = [
  /^serviceAccount:service-(folder-|org-)?\d+@[a-z0-9-]+\.iam\.gserviceaccount\.com$/,
  /^serviceAccount:bq-\d+@bigquery-encryption\.iam\.gserviceaccount\.com$/,
  /^serviceAccount:[a-z0-9-]+@(gcp-sa-[a-z0-9-]+|serverless-robot-prod|gs-project-accounts)\.iam\.gserviceaccount\.com$/,
  /^serviceAccount:[a-z0-9-]+@system\.gserviceaccount\.com$/,
  /\.writer_identity\}$/,
  /\$\{data\.google_(bigquery_default_service_account|storage_project_service_account)\.[^}]+\}/,
  /\$\{google_project_service_identity\.[^}]+\}/,
];

export function isGoogleManagedMember(member: string): boolean {
  return GOOGLE_MANAGED_MEMBER.some((p) => p.test(member));
}

function membersOf(r: SynthesizedResource): string[] {
  if (typeof r.values.member === 'string') return [r.values.member];
  if (Array.isArray(r.values.members)) return r.values.members.map(String);
  return [];
}

/** The google_folder a resource sits under: a project's folder_id, a folder IAM member's folder. */
function folderOf(stack: SynthesizedStack, r: SynthesizedResource): SynthesizedResource | undefined {
  const viaFolder = (v: unknown) => {
    const m = typeof v === 'string' ? /^\$\{google_folder\.([A-Za-z0-9_-]+)\.(name|folder_id|id)\}$/.exec(v) : null;
    return m ? stack.resources.find((x) => x.type === 'google_folder' && x.name === m[1]) : undefined;
  };
  if (r.type.startsWith('google_folder_')) return viaFolder(r.values.folder);
  const projectId = r.values.project;
  const project = stack.ofType('google_project').find((p) => p.values.project_id === projectId || `\${google_project.${p.name}.project_id}` === projectId);
  return project ? viaFolder(project.values.folder_id) : undefined;
}

const SOURCES = [
  'https://cloud.google.com/resource-manager/docs/organization-policy/domain-restricted-sharing',
  'https://cloud.google.com/organization-policy/restrict-domains',
  'https://cloud.google.com/resource-manager/docs/organization-policy/org-policy-constraints (constraints/iam.managed.allowedPolicyMembers)',
  'google/services/orgpolicy/resource_org_policy_policy.go (v6.50.0): spec.rules.parameters',
  'https://github.com/terraform-google-modules/terraform-example-foundation/issues/1257',
  'https://github.com/terraform-google-modules/terraform-example-foundation/issues/1454',
];

export const depDrs = defineCheck({
  id: 'DEP-DRS',
  explanation:
    "Domain-restricted sharing on each folder admits the Google-managed identities (service agents, sink writers) granted roles under it, before the grants are made.",
  sources: SOURCES,
  appliesTo: ['platform'],
  check(ctx: DeployContext): Finding[] {
    if (ctx.kind !== 'platform') return [notApplicable('domain-restricted sharing is set on the folders by the platform stack')];
    const { stack, environment } = ctx;
    const ownSet = `//cloudresourcemanager.googleapis.com/organizations/${environment.platform.organization.id}`;
    const policies = orgPoliciesOf(ctx).filter((p) => p.constraint === LEGACY || p.constraint === MANAGED);
    const grants = stack.resources.filter((r) => /_iam_(member|binding)$/.test(r.type) && membersOf(r).some(isGoogleManagedMember));
    const findings: Finding[] = [];

    for (const folder of stack.ofType('google_folder')) {
      const refs = new Set([`\${google_folder.${folder.name}.name}`, `\${google_folder.${folder.name}.folder_id}`]);
      const jurisdiction = jurisdictionOfFolderResource(ctx, folder);
      const recorded = jurisdiction ? environment.platform.tenantFolders[jurisdiction] : undefined;
      const onFolder = policies.filter((p) => refs.has(p.parent) || (recorded !== undefined && p.parent === recorded));
      const legacy = onFolder.filter((p) => p.constraint === LEGACY);
      const managed = onFolder.filter((p) => p.constraint === MANAGED);
      const where = `folder ${String(folder.values.display_name ?? folder.address)}`;

      // Who will be granted roles under the folder: this stack's grants, and (on a tenant folder) the
      // service agents of its tenant projects; every tenant stack grants to its Cloud Run agent on the
      // platform's registry, so the platform folder receives those.
      const here = grants.filter((g) => folderOf(stack, g) === folder);
      const tenants = environment.tenants.filter((t) => t.lifecycleView.managesProject);
      const tenantAgents = jurisdiction
        ? tenants.filter((t) => t.jurisdiction === jurisdiction).map((t) => `the service agents of ${t.projectId}`)
        : tenants.length > 0
          ? ['the Cloud Run service agents of the tenant projects (image pulls from the registry)']
          : [];
      const identities = [...here.map((g) => `${membersOf(g).filter(isGoogleManagedMember).join(', ')} (${g.address})`), ...tenantAgents];
      if (identities.length === 0) continue;
      const listed = identities.slice(0, 3).join('; ') + (identities.length > 3 ? `; and ${identities.length - 3} more` : '');

      const restrictingLegacy = legacy.filter((p) => !p.allowAll);
      for (const p of restrictingLegacy) {
        findings.push(
          nonCompliant(
            p.address,
            `${LEGACY} on ${where} admits only the directories ${JSON.stringify(p.allowedValues)}; Google-managed identities belong to no directory, so the grants to ${listed} are refused.`,
            `restrict members with ${MANAGED} (allowedPrincipalSets ${ownSet}, which admits the organization's service agents) and set ${LEGACY} to allow all on the folder, after it (OrganizationPolicies).`,
          ),
        );
      }
      if (restrictingLegacy.length > 0) continue;

      const lifted = legacy.filter((p) => p.allowAll);
      if (lifted.length === 0) {
        findings.push(
          nonCompliant(
            folder.address,
            `${where} does not lift ${LEGACY}, so an organization-level policy (enforced by default on organizations created since May 2024) refuses the grants to ${listed}.`,
            `set ${LEGACY} to allow all on the folder (inheritFromParent false), after ${MANAGED} restricts members there (OrganizationPolicies).`,
          ),
        );
        continue;
      }
      const admitting = managed.filter((p) => p.enforced === true && !p.conditional && listParameter(p, 'allowedPrincipalSets').includes(ownSet));
      for (const p of managed.filter((x) => !admitting.includes(x) && x.enforced === true)) {
        findings.push(
          nonCompliant(
            p.address,
            `${MANAGED} on ${where} does not admit ${ownSet}${p.conditional ? ' unconditionally' : ''}, so the organization's own service agents are refused: ${listed}.`,
            `add ${ownSet} to allowedPrincipalSets.`,
          ),
        );
      }

      // This stack's grants must wait for the folder's own policies; before them the organization's apply.
      const gates: OrgPolicy[] = [...lifted, ...admitting];
      for (const g of here) {
        const missing = gates.filter((p) => !dependsTransitivelyOn(stack, g, p.address));
        if (missing.length > 0) {
          findings.push(
            nonCompliant(
              g.address,
              `grants a role to the Google-managed identity ${membersOf(g).filter(isGoogleManagedMember).join(', ')} under ${where} without waiting for ${missing
                .map((p) => p.address)
                .join(' and ')}; on the first apply the organization's ${LEGACY} may still refuse it.`,
              `make the grant depend on the folder's domain-restricted sharing policies (OrganizationPolicies.identityPolicies).`,
            ),
          );
        } else {
          findings.push(compliant(g.address, `waits for ${where}'s ${MANAGED} and lifted ${LEGACY}`));
        }
      }
      if (here.length === 0 && admitting.length > 0) {
        findings.push(compliant(admitting[0].address, `${where} admits the organization's service agents (${ownSet})`));
      }
    }
    return findings.length > 0 ? findings : [notApplicable('no folder of this stack has Google-managed identities granted under it')];
  },
});
