/**
 * TerraformStateBucket: the Cloud Storage bucket every stack of an environment keeps its remote state
 * in, one prefix per stack (CI-1: deployments are auditable and can roll back). Versioned, so any
 * earlier state can be restored; soft delete on, so a deleted state object can be recovered; uniform
 * access and public access prevention enforced; and never destroyed by a plan. State holds resource
 * attributes, never secret values (SEC-1), but it is still the map of the platform.
 */
import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { jurisdictionRules, type Jurisdiction } from '../config/jurisdictions';
import { assertGrantable, grantDependencies, grantKey, roleKey } from './grant-policy';
import type { IGrantee } from './principal';

/** The GCS backend's lock object for a workspace is `<prefix>/<workspace>.tflock`. */
const LOCK_FILE_CONDITION = 'resource.name.endsWith(".tflock")';

export interface TerraformStateBucketProps {
  readonly projectId: string;
  /** Bucket name (platform.yaml `stateBucket.name`). */
  readonly name: string;
  /** The bucket lives in this jurisdiction's storage multi-region, or its default region when it has none. */
  readonly jurisdiction: Jurisdiction;
  /** Days a deleted or overwritten object stays recoverable. Default 7 (Cloud Storage's default); 7-90. */
  readonly softDeleteDays?: number;
  /** Days a superseded state version is kept once it has enough newer versions. Default 365. */
  readonly noncurrentVersionDays?: number;
  /** Newer versions that must exist before a superseded version may expire. Default 10. */
  readonly keepNewerVersions?: number;
  /** Resources the bucket must wait for (the project's storage API). Default none. */
  readonly dependsOn?: ITerraformDependable[];
}

export class TerraformStateBucket extends Construct {
  readonly bucket: StorageBucket;
  readonly location: string;
  readonly bucketName: string;

  constructor(scope: Construct, id: string, props: TerraformStateBucketProps) {
    super(scope, id);
    const softDeleteDays = props.softDeleteDays ?? 7;
    if (!Number.isInteger(softDeleteDays) || softDeleteDays < 7 || softDeleteDays > 90) {
      throw new Error(`TerraformStateBucket ${props.name}: softDeleteDays must be an integer from 7 to 90 (soft delete stays on), got ${softDeleteDays}`);
    }
    const noncurrentVersionDays = props.noncurrentVersionDays ?? 365;
    const keepNewerVersions = props.keepNewerVersions ?? 10;
    if (!Number.isInteger(noncurrentVersionDays) || noncurrentVersionDays < 30) {
      throw new Error(`TerraformStateBucket ${props.name}: noncurrentVersionDays must be an integer of at least 30, so a rollback target survives a month`);
    }
    if (!Number.isInteger(keepNewerVersions) || keepNewerVersions < 1) {
      throw new Error(`TerraformStateBucket ${props.name}: keepNewerVersions must be a positive integer`);
    }
    this.bucketName = props.name;
    const rules = jurisdictionRules(props.jurisdiction);
    this.location = rules.storageMultiRegion ?? rules.defaultRegion;
    this.bucket = new StorageBucket(this, 'bucket', {
      project: props.projectId,
      name: props.name,
      location: this.location,
      storageClass: 'STANDARD',
      versioning: { enabled: true },
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
      softDeletePolicy: { retentionDurationSeconds: softDeleteDays * 24 * 60 * 60 },
      forceDestroy: false,
      // Old versions expire only when both old and outnumbered, so a recent rollback target always exists.
      lifecycleRule: [
        {
          action: { type: 'Delete' },
          condition: { withState: 'ARCHIVED', daysSinceNoncurrentTime: noncurrentVersionDays, numNewerVersions: keepNewerVersions },
        },
      ],
      dependsOn: props.dependsOn,
      lifecycle: { preventDestroy: true },
    });
  }

  /**
   * What `terraform plan` needs: read every state object, and create and remove only lock files
   * (`*.tflock`), so a plan can take the state lock but never write state.
   */
  grantPlan(grantee: IGrantee): StorageBucketIamMember[] {
    return [
      this.grant(grantee, 'roles/storage.objectViewer'),
      this.grant(grantee, 'roles/storage.objectUser', {
        title: 'lock-files-only',
        description: 'Create and delete Terraform state lock files (*.tflock), never state',
        expression: LOCK_FILE_CONDITION,
      }),
    ];
  }

  /** What `terraform apply` needs: read and write state objects and their locks. */
  grantApply(grantee: IGrantee): StorageBucketIamMember {
    return this.grant(grantee, 'roles/storage.objectUser');
  }

  private grant(grantee: IGrantee, role: string, condition?: { title: string; description: string; expression: string }): StorageBucketIamMember {
    assertGrantable({ role, grantee, resource: `google_storage_bucket ${this.bucketName}` });
    return new StorageBucketIamMember(this, `${roleKey(role)}-${grantKey(grantee)}${condition ? `-${condition.title}` : ''}`, {
      bucket: this.bucket.name,
      role,
      member: grantee.member,
      condition,
      dependsOn: grantDependencies(grantee),
    });
  }
}
