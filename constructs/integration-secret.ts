/**
 * IntegrationSecret (SEC-1..3): one Secret Manager secret per credential (a source's webhook signing
 * secret, a destination's access token, an integration's API key). Replicas stay in the tenant's
 * jurisdiction (automatic replication is global and the EU location policy rejects it), rotation is
 * scheduled with notices to SecretRotationNotices, and exactly one workload may read it. The secret's
 * value never passes through Terraform: it is added out of band (`gcloud secrets versions add`), so
 * there is no google_secret_manager_secret_version here by design. Given the tenant's keys, each
 * replica is encrypted with the tenant's Secret Manager key in the replica's own region (Secret
 * Manager requires the key in the replica's location), granted to Secret Manager's agent first (ENC-2).
 */
import { Construct } from 'constructs';
import { Fn, type ITerraformDependable } from 'cdktf';
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { jurisdictionRules, type Jurisdiction } from '../config/jurisdictions';
import { assertGrantable, grantDependencies, grantKey } from './grant-policy';
import type { IGrantee } from './principal';
import type { SecretRotationNotices } from './secret-rotation-notices';
import type { StoreEncryption } from './tenant-keys';
import type { TenantProject } from './tenant-project';
import { MAX_ROTATION } from '../policy/dpa';
import { SECONDS_PER_HOUR } from '../policy/gcp-defaults';

/** Credentials rotate as often as the rotation policy allows at most (policy/dpa.ts MAX_ROTATION), unless the integration's own policy is stricter. */
export const DEFAULT_ROTATION_DAYS = MAX_ROTATION.days;

/** Secret ids: letters, digits, hyphens and underscores, at most 255. */
const SECRET_ID = /^[a-zA-Z0-9_-]{1,255}$/;

export interface IntegrationSecretProps {
  readonly project: TenantProject;
  readonly jurisdiction: Jurisdiction;
  /** Secret id, for example `integration-mailchimp`. */
  readonly secretId: string;
  /** What the credential is for; recorded as an annotation for auditors. */
  readonly purpose: string;
  /** Regions holding replicas; each must be a region of the jurisdiction (SEC-1, RES-1). */
  readonly replicaLocations: readonly string[];
  readonly rotationNotices: SecretRotationNotices;
  /** Days between rotation notices (1-36500). Default DEFAULT_ROTATION_DAYS. */
  readonly rotationDays?: number;
  /** Terraform may not destroy the secret. Default true; lifted only when offboarding. */
  readonly deletionProtection?: boolean;
  /** Encrypt each replica with the tenant's Secret Manager key of its region (ENC-2). Default: Google-managed encryption. */
  readonly encryption?: StoreEncryption;
}

export class IntegrationSecret extends Construct {
  readonly secret: SecretManagerSecret;
  readonly secretId: string;
  readonly rotationDays: number;
  readonly projectId: string;
  private accessor?: { readonly member: string; readonly grant: SecretManagerSecretIamMember };

  constructor(scope: Construct, id: string, props: IntegrationSecretProps) {
    super(scope, id);
    const what = `IntegrationSecret ${this.node.path}`;
    if (!SECRET_ID.test(props.secretId)) {
      throw new Error(`${what}: secretId "${props.secretId}" may hold only letters, digits, hyphens and underscores (at most 255)`);
    }
    const regions = jurisdictionRules(props.jurisdiction).regions;
    const outside = props.replicaLocations.filter((l) => !regions.includes(l));
    if (props.replicaLocations.length === 0 || outside.length > 0) {
      throw new Error(
        `${what}: replicaLocations must name regions of jurisdiction ${props.jurisdiction} (SEC-1, RES-1)${
          outside.length ? `; not allowed: ${outside.join(', ')}` : '; the list is empty'
        }. Allowed: ${regions.join(', ')}`,
      );
    }
    this.rotationDays = props.rotationDays ?? DEFAULT_ROTATION_DAYS;
    if (!Number.isInteger(this.rotationDays) || this.rotationDays < 1 || this.rotationDays > 36500) {
      throw new Error(`${what}: rotationDays must be a whole number from 1 to 36500, got ${this.rotationDays}`);
    }
    this.secretId = props.secretId;
    this.projectId = props.project.projectId;
    const api = props.project.enableApi('secretmanager.googleapis.com');
    const rotationHours = this.rotationDays * 24;
    const locations = [...new Set(props.replicaLocations)].sort();
    const keyGrants: ITerraformDependable[] = [];
    const replicas = locations.map((location) => {
      if (!props.encryption) return { location };
      const key = props.encryption.keys.keyFor('secrets', [location]);
      keyGrants.push(key.grantEncryptDecrypt(props.encryption.serviceAgents.agent('secretmanager')));
      return { location, customerManagedEncryption: { kmsKeyName: key.keyName } };
    });
    this.secret = new SecretManagerSecret(this, 'secret', {
      project: props.project.projectId,
      secretId: props.secretId,
      labels: { 'data-class': 'credentials' },
      annotations: { purpose: props.purpose },
      replication: {
        userManaged: { replicas },
      },
      rotation: {
        rotationPeriod: `${rotationHours * SECONDS_PER_HOUR}s`,
        // The API needs the first rotation in the future when the secret is created. Terraform's
        // plan time gives that without making the synthesized JSON depend on the clock; afterwards
        // Secret Manager advances it itself, so Terraform ignores the field (see lifecycle below).
        nextRotationTime: Fn.timeadd(Fn.plantimestamp(), `${rotationHours}h`),
      },
      topics: [{ name: props.rotationNotices.topicId }],
      deletionProtection: props.deletionProtection ?? true,
      lifecycle: { ignoreChanges: ['rotation[0].next_rotation_time'] },
      dependsOn: [...(api ? [api] : []), props.rotationNotices.agentPublish, ...keyGrants],
    });
  }

  /**
   * The name a Cloud Run env `value_source.secret_key_ref` mounts this secret by; a reference, so the
   * service waits for the secret to exist.
   */
  get secretName(): string {
    return this.secret.secretId;
  }

  /** The principal that may read the value, once granted. */
  get accessorMember(): string | undefined {
    return this.accessor?.member;
  }

  /**
   * Lets `grantee` read the value (roles/secretmanager.secretAccessor on this secret). A secret has
   * one reader (SEC-3): granting the same reader again returns its grant; another reader throws.
   * The data plane grants a workload's account before the workload exists (it waits for the value,
   * config/workload-secrets.ts), so the grant has propagated when the workload is created.
   */
  grantAccess(grantee: IGrantee): SecretManagerSecretIamMember {
    const role = 'roles/secretmanager.secretAccessor';
    const resource = `google_secret_manager_secret ${this.secretId}`;
    if (this.accessor !== undefined) {
      if (this.accessor.member === grantee.member) return this.accessor.grant;
      throw new Error(
        `${resource}: already readable by ${this.accessor.member}; a secret has exactly one reader (SEC-3), so give ${grantee.member} its own secret`,
      );
    }
    assertGrantable({ role, grantee, resource });
    const grant = new SecretManagerSecretIamMember(this, `access-${grantKey(grantee)}`, {
      project: this.projectId,
      secretId: this.secret.secretId,
      role,
      member: grantee.member,
      dependsOn: grantDependencies(grantee),
    });
    this.accessor = { member: grantee.member, grant };
    return grant;
  }
}
