/**
 * OrganizationPolicies: the guardrails on one folder, as `google_org_policy_policy` resources. They
 * make a non-compliant resource impossible to create under the folder, whoever creates it and
 * however: data only in the jurisdiction's locations (RES-2), no service account keys (IAM-3),
 * no automatic Editor grants to default service accounts (IAM-4), only Smart Segments' organization
 * in IAM policies (IAM-7), and the storage, network and contact settings the controls rely on.
 * Nothing here depends on the tenant list: what one tenant needs beyond this (its contacts' domains,
 * its customer's organization during a handover) is set on its own project by its own stack.
 *
 * Domain-restricted sharing uses the managed constraint `iam.managed.allowedPolicyMembers` with the
 * organization's principal set, which admits the Google service agents and sink writer identities of
 * the organization's projects and folders; the legacy `iam.allowedPolicyMemberDomains` refuses them
 * (they are not in the directory), so it is overridden to allow all on the folder, after the managed
 * policy exists. Why, with sources: docs/domain-restricted-sharing.md.
 */
import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { OrgPolicyPolicy } from '@cdktf/provider-google/lib/org-policy-policy';
import { jurisdictionRules, type Jurisdiction } from '../config/jurisdictions';

/** The issuer of GitHub Actions OIDC tokens, the only external identity provider CI uses (CI-1). */
export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';

/** Cloud Run ingress settings that keep a service off the public internet except through the load balancer (NET-1). */
export const ALLOWED_RUN_INGRESS = ['internal', 'internal-and-cloud-load-balancing'] as const;

/** Every constraint this construct sets, with the control it keeps. */
export const GUARDRAIL_CONSTRAINTS = {
  'gcp.resourceLocations': 'RES-2',
  'iam.disableServiceAccountKeyCreation': 'IAM-3',
  'iam.disableServiceAccountKeyUpload': 'IAM-3',
  'iam.workloadIdentityPoolProviders': 'CI-1',
  'iam.automaticIamGrantsForDefaultServiceAccounts': 'IAM-4',
  'iam.managed.allowedPolicyMembers': 'IAM-7',
  /** Overridden to allow all: the managed constraint above restricts members instead (docs/domain-restricted-sharing.md). */
  'iam.allowedPolicyMemberDomains': 'IAM-7',
  'storage.uniformBucketLevelAccess': 'IAM-6',
  'storage.publicAccessPrevention': 'IAM-6',
  'run.allowedIngress': 'NET-1',
  'compute.vmExternalIpAccess': 'NET-1',
  'sql.restrictPublicIp': 'NET-1',
  'essentialcontacts.allowedContactDomains': 'BRE-1',
  // From Google's security foundations blueprint (terraform-example-foundation 1-org/envs/shared/org_policy.tf; docs/security.md).
  /** Every project is created without the default network (the provider deletes it too; this holds for projects made by hand). */
  'compute.skipDefaultNetworkCreation': 'NET-1',
  /** No HMAC keys: Cloud Storage refuses HMAC-signed requests, a long-lived credential like a service account key. */
  'storage.restrictAuthTypes': 'IAM-3',
  /** Google APIs refuse TLS 1.0 and 1.1 under the folder. */
  'gcp.restrictTLSVersion': 'ENC-1',
} as const;
export type GuardrailConstraint = keyof typeof GUARDRAIL_CONSTRAINTS | keyof typeof CUSTOMER_DATA_CONSTRAINTS;

/**
 * What a tenant folder enforces on top: the folders that hold Customer Data (not the platform and
 * audit folders, whose state bucket and log buckets use Google-managed keys).
 */
export const CUSTOMER_DATA_CONSTRAINTS = {
  /** Resources of these services must name a customer-managed key (ENC-2). */
  'gcp.restrictNonCmekServices': 'ENC-2',
  /** ... and the key must be in a project under the tenant folder: the tenant's own, never another tenant's or outside. */
  'gcp.restrictCmekCryptoKeyProjects': 'ENC-2',
  /** A destroyed key version is unrecoverable after its schedule: never shorter than the tenant keys' 7 days (DEL-2). */
  'cloudkms.minimumDestroyScheduledDuration': 'DEL-2',
} as const;

/**
 * The services whose resources under a tenant folder must use a customer-managed key
 * (gcp.restrictNonCmekServices; cloud.google.com/kms/docs/cmek-org-policy#supported-services):
 * the stores of Customer Data. Not Pub/Sub: the secret rotation notices topic, which carries no
 * Customer Data, uses a Google-managed key (constructs/secret-rotation-notices.ts), and every topic
 * carrying Customer Data is encrypted with the tenant's key (ENC-2 checks it).
 */
export const CMEK_REQUIRED_SERVICES = ['bigquery.googleapis.com', 'firestore.googleapis.com', 'secretmanager.googleapis.com', 'storage.googleapis.com'] as const;

const ORGANIZATION_ID = /^\d{6,20}$/;

/**
 * The principal set of every identity associated with an organization: its directory's users and
 * groups, its service accounts, and the service agents of its projects and folders
 * (cloud.google.com/resource-manager/docs/organization-policy/org-policy-constraints,
 * constraints/iam.managed.allowedPolicyMembers).
 */
export function organizationPrincipalSet(organizationId: string): string {
  return `//cloudresourcemanager.googleapis.com/organizations/${organizationId}`;
}
const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;

/**
 * The values of `essentialcontacts.allowedContactDomains` admitting these DNS domains (`@<domain>`,
 * sorted, once each). Refuses anything that is not a plain domain, naming `owner`.
 */
export function allowedContactDomainValues(owner: string, domains: readonly string[]): string[] {
  if (domains.length === 0) throw new Error(`${owner}: contactDomains is empty; list at least Smart Segments' domain`);
  for (const d of domains) {
    if (!DOMAIN.test(d)) throw new Error(`${owner}: contact domain "${d}" is not a DNS domain such as smartsegments.ai`);
  }
  return unique(domains).sort().map((d) => `@${d}`);
}

/** `iam.managed.allowedPolicyMembers` parameters admitting these organizations' principal sets (IAM-7). */
export function allowedMembersParameters(owner: string, organizationIds: readonly string[]): string {
  if (organizationIds.length === 0) {
    throw new Error(`${owner}: organizationIds is empty; list Smart Segments' organization id (IAM-7)`);
  }
  for (const o of organizationIds) {
    if (!ORGANIZATION_ID.test(o)) throw new Error(`${owner}: "${o}" is not a numeric organization id such as "123456789012" (IAM-7)`);
  }
  return JSON.stringify({ allowedPrincipalSets: unique(organizationIds).map(organizationPrincipalSet) });
}

export interface OrganizationPoliciesProps {
  /** The folder's resource name, `folders/<id>` (usually `google_folder.name`). */
  readonly folderName: string;
  /** The jurisdiction whose locations the folder's resources may use (from config/jurisdictions.ts). */
  readonly jurisdiction: Jurisdiction;
  /**
   * Numeric ids of the organizations whose identities may appear in IAM policies under the folder:
   * Smart Segments' own (IAM-7). Required, never empty. A customer's organization is admitted on its
   * one project during its handover (HandoverAdmission, tenant stack), never on the folder.
   */
  readonly organizationIds: readonly string[];
  /**
   * DNS domains essential contacts under the folder may use: Smart Segments' own. Required, never
   * empty. A tenant's contacts' domains are added on its project (EssentialContacts, tenant stack).
   */
  readonly contactDomains: readonly string[];
  /** OIDC issuers workload identity pool providers may trust. Default: GitHub Actions only. */
  readonly workloadIdentityIssuers?: readonly string[];
  /**
   * The folder holds Customer Data (a tenant folder): CUSTOMER_DATA_CONSTRAINTS too, with the
   * keys' minimum destroy schedule in days. Default: not set (platform and audit folders).
   */
  readonly customerData?: { readonly minimumKeyDestroyScheduledDays: number };
}

export class OrganizationPolicies extends Construct {
  private readonly policies = new Map<GuardrailConstraint, OrgPolicyPolicy>();
  private readonly folderName: string;
  /**
   * The policies that decide who may be granted a role under the folder. A grant to a Google-managed
   * identity (service agent, sink writer) under the folder must wait for them: until the folder's own
   * policies exist, an organization-level `iam.allowedPolicyMemberDomains` (enforced by default on
   * organizations created since 2024) applies and refuses it.
   */
  readonly identityPolicies: readonly ITerraformDependable[];

  constructor(scope: Construct, id: string, props: OrganizationPoliciesProps) {
    super(scope, id);
    this.folderName = props.folderName;
    const members = allowedMembersParameters('OrganizationPolicies', props.organizationIds);
    const contactDomains = allowedContactDomainValues('OrganizationPolicies', props.contactDomains);
    const issuers = props.workloadIdentityIssuers ?? [GITHUB_ACTIONS_ISSUER];

    // Allow lists replace the parent's (inheritFromParent false): a broader list set higher up must
    // never widen what this folder allows.
    this.allow('gcp.resourceLocations', jurisdictionRules(props.jurisdiction).orgPolicyLocations);
    this.enforce('iam.disableServiceAccountKeyCreation');
    this.enforce('iam.disableServiceAccountKeyUpload');
    this.allow('iam.workloadIdentityPoolProviders', issuers);
    this.enforce('iam.automaticIamGrantsForDefaultServiceAccounts');
    // IAM-7: only identities of the admitted organizations (service agents included) may be granted roles.
    const managed = this.add('iam.managed.allowedPolicyMembers', { rules: [{ enforce: 'TRUE', parameters: members }] });
    // The legacy constraint would refuse the organization's own service agents; lifted on this folder
    // only once the managed policy is in place, so the folder is never without a member restriction.
    const legacy = this.add('iam.allowedPolicyMemberDomains', { inheritFromParent: false, rules: [{ allowAll: 'TRUE' }] }, [managed]);
    this.identityPolicies = [managed, legacy];
    this.enforce('storage.uniformBucketLevelAccess');
    this.enforce('storage.publicAccessPrevention');
    this.allow('run.allowedIngress', ALLOWED_RUN_INGRESS);
    this.denyAll('compute.vmExternalIpAccess');
    this.enforce('sql.restrictPublicIp');
    // Replaces the parent's list; a tenant project adds its contacts' domains on top (inheritFromParent true there).
    this.allow('essentialcontacts.allowedContactDomains', contactDomains);
    this.enforce('compute.skipDefaultNetworkCreation');
    // cloud.google.com/storage/docs/org-policy-constraints#restrict-authentication-types
    this.deny('storage.restrictAuthTypes', ['in:ALL_HMAC_SIGNED_REQUESTS']);
    // cloud.google.com/assured-workloads/docs/restrict-tls-versions
    this.deny('gcp.restrictTLSVersion', ['TLS_VERSION_1', 'TLS_VERSION_1_1']);
    if (props.customerData) {
      const days = props.customerData.minimumKeyDestroyScheduledDays;
      if (!Number.isInteger(days) || days < 1) throw new Error(`OrganizationPolicies: minimumKeyDestroyScheduledDays must be a whole number of days, got ${days}`);
      this.deny('gcp.restrictNonCmekServices', CMEK_REQUIRED_SERVICES);
      // under:<folder>: keys of projects anywhere below this folder (cloud.google.com/kms/docs/cmek-org-policy).
      this.allow('gcp.restrictCmekCryptoKeyProjects', [`under:${props.folderName}`]);
      // cloud.google.com/kms/docs/control-key-destruction: `in:<n>d`.
      this.allow('cloudkms.minimumDestroyScheduledDuration', [`in:${days}d`]);
    }
  }

  /** The policy resource for `constraint`. */
  policy(constraint: GuardrailConstraint): OrgPolicyPolicy {
    const p = this.policies.get(constraint);
    if (!p) throw new Error(`OrganizationPolicies: ${constraint} is not set`);
    return p;
  }

  private enforce(constraint: GuardrailConstraint): void {
    this.add(constraint, { rules: [{ enforce: 'TRUE' }] });
  }

  private denyAll(constraint: GuardrailConstraint): void {
    this.add(constraint, { inheritFromParent: false, rules: [{ denyAll: 'TRUE' }] });
  }

  private deny(constraint: GuardrailConstraint, values: readonly string[]): void {
    this.add(constraint, { inheritFromParent: false, rules: [{ values: { deniedValues: [...values] } }] });
  }

  private allow(constraint: GuardrailConstraint, values: readonly string[]): void {
    this.add(constraint, { inheritFromParent: false, rules: [{ values: { allowedValues: [...values] } }] });
  }

  private add(
    constraint: GuardrailConstraint,
    spec: NonNullable<ConstructorParameters<typeof OrgPolicyPolicy>[2]['spec']>,
    dependsOn?: ITerraformDependable[],
  ): OrgPolicyPolicy {
    const policy = new OrgPolicyPolicy(this, constraint.replace(/\./g, '-'), {
      name: `${this.folderName}/policies/${constraint}`,
      parent: this.folderName,
      spec,
      dependsOn,
    });
    this.policies.set(constraint, policy);
    return policy;
  }
}

function unique(values: readonly string[]): string[] {
  return values.filter((v, i) => values.indexOf(v) === i);
}
