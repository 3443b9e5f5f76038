/**
 * CiDenyPolicies: IAM deny policies that take from every CI identity what its roles carry and no
 * deploy needs (DPA Annex II 2 and 4, section 8; docs/security.md). IAM evaluates deny policies
 * before allow policies, so no grant a deployer holds, or makes itself, gives these back.
 *
 * On each tenant folder, for ci-plan, ci-platform and every tenant deployer:
 * - Customer Data reads: BigQuery table data and export, Firestore entities, Pub/Sub consume, object
 *   reads in the tenant projects' buckets, log entries, secret values; adding a secret version (an
 *   operator sets values, never CI); minting tokens or signing as another service account;
 * - key version destruction, except in a project tagged `<env>-lifecycle: offboarding`
 *   (constructs/lifecycle-tag.ts), which a tenant stack binds only while the tenant is offboarding.
 * On each tenant folder, for ci-plan and the tenant deployers: changes to the folder's audit trail
 *   (sinks, exclusions, logging settings), which only ci-platform manages.
 * On the platform folder, for ci-plan and the tenant deployers: writes to the image registry (the
 *   tenant deployers may set its IAM policy, for their Cloud Run agents' pull grants).
 *
 * Every permission is in the v2 form `<service>.googleapis.com/<resource>.<verb>` and on Google's
 * list of permissions deny policies support (cloud.google.com/iam/docs/deny-permissions-support).
 * `logging.privateLogEntries.list` (Data Access logs) is not denied here: no CI identity holds a role
 * that carries it (ci-plan's custom role replaces Security Reviewer), which
 * test/security/effective-permissions.test.ts asserts.
 */
import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { IamDenyPolicy } from '@cdktf/provider-google/lib/iam-deny-policy';
import { lifecycleTagNamespacedKey, OFFBOARDING_TAG_VALUE } from './lifecycle-tag';

/** A deny permission (v2 form) with the IAM permission (v1 form) it denies, and why. */
export interface DeniedPermission {
  readonly deny: string;
  readonly iam: string;
  readonly why: string;
}

const p = (deny: string, why: string): DeniedPermission => {
  const m = /^([a-z]+)\.googleapis\.com\/([A-Za-z]+)\.([A-Za-z]+)$/.exec(deny);
  if (!m) throw new Error(`CiDenyPolicies: ${deny} is not <service>.googleapis.com/<resource>.<verb>`);
  return { deny, iam: `${m[1]}.${m[2]}.${m[3]}`, why };
};

/** Customer Data reads (and the writes that would re-route it): denied to every CI identity on the tenant folders. */
export const CUSTOMER_DATA_DENIALS: readonly DeniedPermission[] = [
  p('bigquery.googleapis.com/tables.getData', 'warehouse rows (BigQuery Data Owner carries it)'),
  p('bigquery.googleapis.com/tables.export', 'warehouse exports'),
  p('datastore.googleapis.com/entities.get', 'conversion state documents (Datastore Owner carries it)'),
  p('datastore.googleapis.com/entities.list', 'conversion state documents'),
  p('pubsub.googleapis.com/subscriptions.consume', 'event messages (Pub/Sub Admin carries it)'),
  p('storage.googleapis.com/objects.get', 'objects in tenant buckets'),
  p('logging.googleapis.com/logEntries.list', 'request and application logs of the tenant workloads'),
  p('secretmanager.googleapis.com/versions.access', 'integration credentials'),
  p('secretmanager.googleapis.com/versions.add', 'a value set by CI could send Customer Data to another account; operators add values'),
  p('iam.googleapis.com/serviceAccounts.getAccessToken', 'acting as a workload account that reads Customer Data'),
  p('iam.googleapis.com/serviceAccounts.getOpenIdToken', 'acting as a workload account'),
  p('iam.googleapis.com/serviceAccounts.signBlob', 'acting as a workload account'),
  p('iam.googleapis.com/serviceAccounts.signJwt', 'acting as a workload account'),
  p('iam.googleapis.com/serviceAccounts.implicitDelegation', 'acting as a workload account through another'),
];

/** Crypto-shredding: denied to every CI identity except in a project tagged offboarding. */
export const KEY_DESTRUCTION_DENIALS: readonly DeniedPermission[] = [
  p('cloudkms.googleapis.com/cryptoKeyVersions.destroy', 'destroying a key version makes what it encrypts unreadable (DEL-2): only at offboarding'),
];

/** The tenant folders' audit trail, which only ci-platform manages. */
export const AUDIT_TRAIL_DENIALS: readonly DeniedPermission[] = [
  p('logging.googleapis.com/sinks.create', 'a sink could copy the audit logs elsewhere'),
  p('logging.googleapis.com/sinks.update', 'the folder sink into the central audit log'),
  p('logging.googleapis.com/sinks.delete', 'the folder sink into the central audit log'),
  p('logging.googleapis.com/exclusions.create', 'an exclusion drops log entries'),
  p('logging.googleapis.com/exclusions.update', 'an exclusion drops log entries'),
  p('logging.googleapis.com/exclusions.delete', 'an exclusion drops log entries'),
  p('logging.googleapis.com/settings.update', "the folder's log storage location (RES-4)"),
];

/** The platform's images: only ci-platform writes them. */
export const REGISTRY_WRITE_DENIALS: readonly DeniedPermission[] = [
  p('artifactregistry.googleapis.com/repositories.uploadArtifacts', 'an image every tenant workload runs'),
  p('artifactregistry.googleapis.com/repositories.deleteArtifacts', 'an image every tenant workload runs'),
  p('artifactregistry.googleapis.com/tags.create', 'moving an image tag'),
  p('artifactregistry.googleapis.com/tags.update', 'moving an image tag'),
  p('artifactregistry.googleapis.com/tags.delete', 'an image tag'),
  p('artifactregistry.googleapis.com/versions.delete', 'an image'),
];

/** The deny policy principal of a service account (cloud.google.com/iam/docs/principal-identifiers#v2). */
export function denyPrincipal(email: string): string {
  return `principal://iam.googleapis.com/projects/-/serviceAccounts/${email}`;
}

/** `resource.matchTag(...)` of the offboarding value: the only projects where CI may destroy key versions. */
export function offboardingCondition(organizationId: string, environment: string): string {
  return `!resource.matchTag('${lifecycleTagNamespacedKey(organizationId, environment)}', '${OFFBOARDING_TAG_VALUE}')`;
}

export interface CiDenyPoliciesProps {
  readonly organizationId: string;
  readonly environment: string;
  /** Every CI identity's email: ci-plan, ci-platform and the tenant deployers. */
  readonly allIdentities: readonly string[];
  /** The identities that do not manage the platform: ci-plan and the tenant deployers. */
  readonly nonPlatformIdentities: readonly string[];
  /** `folders/<id>` (or a reference to a folder's name) of every tenant folder, keyed by a construct-id fragment. */
  readonly tenantFolders: ReadonlyArray<{ readonly key: string; readonly name: string }>;
  readonly platformFolder: string;
}

export class CiDenyPolicies extends Construct {
  readonly policies: IamDenyPolicy[] = [];

  constructor(scope: Construct, id: string, props: CiDenyPoliciesProps) {
    super(scope, id);
    if (props.allIdentities.length === 0) throw new Error('CiDenyPolicies: no CI identity to deny anything to');
    const all = props.allIdentities.map(denyPrincipal);
    const nonPlatform = props.nonPlatformIdentities.map(denyPrincipal);
    for (const folder of props.tenantFolders) {
      this.policies.push(
        this.policy(`tenant-${folder.key}`, folder.name, 'ci-fence', 'CI reads no Customer Data and destroys no active key', [
          { description: 'No CI identity reads Customer Data, sets a secret value or acts as a workload account', principals: all, permissions: CUSTOMER_DATA_DENIALS },
          {
            description: `No CI identity destroys a key version outside a project tagged ${OFFBOARDING_TAG_VALUE}`,
            principals: all,
            permissions: KEY_DESTRUCTION_DENIALS,
            condition: { title: 'not-offboarding', expression: offboardingCondition(props.organizationId, props.environment) },
          },
          { description: "Only ci-platform changes the folder's audit trail", principals: nonPlatform, permissions: AUDIT_TRAIL_DENIALS },
        ]),
      );
    }
    this.policies.push(
      this.policy('platform', props.platformFolder, 'ci-fence', "Only ci-platform writes the platform's images", [
        { description: 'No tenant deployer or plan identity writes the image registry', principals: nonPlatform, permissions: REGISTRY_WRITE_DENIALS },
      ]),
    );
  }

  private policy(
    id: string,
    folderName: string,
    name: string,
    displayName: string,
    rules: ReadonlyArray<{ description: string; principals: readonly string[]; permissions: readonly DeniedPermission[]; condition?: { title: string; expression: string } }>,
  ): IamDenyPolicy {
    return new IamDenyPolicy(this, id, {
      // The attachment point, URL-encoded (google/services/iam2/resource_iam_deny_policy.go: parent).
      parent: Fn.urlencode(`cloudresourcemanager.googleapis.com/${folderName}`),
      name,
      displayName,
      rules: rules.map((r) => ({
        description: r.description,
        denyRule: {
          deniedPrincipals: [...r.principals].sort(),
          deniedPermissions: r.permissions.map((x) => x.deny),
          ...(r.condition ? { denialCondition: r.condition } : {}),
        },
      })),
    });
  }
}
