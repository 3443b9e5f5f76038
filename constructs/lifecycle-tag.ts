/**
 * LifecycleTag: the organization's `<env>-lifecycle` tag key with its one value `offboarding`. A
 * tenant stack binds the value to the tenant project when the tenant's offboarding is deployed
 * (constructs/offboarding-tag-binding.ts); the deny policies let a CI identity destroy a key version
 * only in a project carrying it (constructs/ci-deny-policies.ts). So crypto-shredding (DEL-2) needs
 * a reviewed change that puts the tenant into offboarding, and no key of an active tenant can be
 * destroyed by CI.
 *
 * Tag keys are per organization and their short names unique there: the environment's name is in
 * the key so environments sharing an organization never collide.
 */
import { Construct } from 'constructs';
import { TagsTagKey } from '@cdktf/provider-google/lib/tags-tag-key';
import { TagsTagValue } from '@cdktf/provider-google/lib/tags-tag-value';
import { TagsTagValueIamMember } from '@cdktf/provider-google/lib/tags-tag-value-iam-member';
import { assertGrantable, grantDependencies, grantKey, roleKey } from './grant-policy';
import type { IGrantee } from './principal';

export const OFFBOARDING_TAG_VALUE = 'offboarding';

/** The short name of the lifecycle tag key of `environment`. */
export function lifecycleTagKey(environment: string): string {
  return `${environment}-lifecycle`;
}

/** `<organization id>/<key>`: how IAM conditions name the key (resource.matchTag). */
export function lifecycleTagNamespacedKey(organizationId: string, environment: string): string {
  return `${organizationId}/${lifecycleTagKey(environment)}`;
}

export interface LifecycleTagProps {
  readonly organizationId: string;
  readonly environment: string;
}

export class LifecycleTag extends Construct {
  readonly key: TagsTagKey;
  readonly offboarding: TagsTagValue;
  private readonly granted = new Set<string>();

  constructor(scope: Construct, id: string, props: LifecycleTagProps) {
    super(scope, id);
    if (!/^\d+$/.test(props.organizationId)) throw new Error(`LifecycleTag: organizationId "${props.organizationId}" is not a numeric organization id`);
    const shortName = lifecycleTagKey(props.environment);
    // Tag key short names: 1-63 characters (cloud.google.com/resource-manager/docs/tags/tags-creating-and-managing).
    if (!/^[a-z0-9][a-z0-9_.-]{0,61}[a-z0-9]$/.test(shortName)) throw new Error(`LifecycleTag: tag key "${shortName}" is not a valid short name`);
    this.key = new TagsTagKey(this, 'key', {
      parent: `organizations/${props.organizationId}`,
      shortName,
      description: `Tenant lifecycle of environment ${props.environment}: a project tagged ${OFFBOARDING_TAG_VALUE} may have its key versions destroyed by CI (DEL-2)`,
    });
    this.offboarding = new TagsTagValue(this, 'offboarding', {
      parent: this.key.id,
      shortName: OFFBOARDING_TAG_VALUE,
      description: 'The tenant is offboarding (DPA 10.1): its keys may be destroyed once its data stores are gone',
    });
  }

  /** Lets `grantee` bind the offboarding value to projects it may tag (a tenant deployer), on the value only. */
  grantUse(grantee: IGrantee): TagsTagValueIamMember {
    const role = 'roles/resourcemanager.tagUser';
    const key = grantKey(grantee);
    if (this.granted.has(key)) throw new Error(`LifecycleTag: ${grantee.member} may already use the offboarding tag`);
    this.granted.add(key);
    assertGrantable({ role, grantee, resource: `tag value ${this.key.shortName}/${OFFBOARDING_TAG_VALUE}` });
    return new TagsTagValueIamMember(this, `${roleKey(role)}-${key}`, {
      tagValue: this.offboarding.name,
      role,
      member: grantee.member,
      dependsOn: grantDependencies(grantee),
    });
  }
}
