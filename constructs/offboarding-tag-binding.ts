/**
 * OffboardingTagBinding: tags an offboarding tenant's project with the environment's lifecycle tag
 * value `offboarding` (constructs/lifecycle-tag.ts), the one condition under which the deny policies
 * let a tenant deployer destroy key versions (crypto-shredding, DEL-2, DPA 10.1). The tenant stack
 * adds it only while the tenant is offboarding; every crypto key of the stack waits for it, so a
 * `terraform destroy` destroys the keys before it removes the tag.
 *
 * The tag value is found by name (data sources), not by a reference into the platform stack's
 * state: a tenant's plan never reads the platform's state.
 */
import { Construct } from 'constructs';
import { Aspects, dependable, TerraformResource, type IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';
import { DataGoogleTagsTagKey } from '@cdktf/provider-google/lib/data-google-tags-tag-key';
import { DataGoogleTagsTagValue } from '@cdktf/provider-google/lib/data-google-tags-tag-value';
import { TagsTagBinding } from '@cdktf/provider-google/lib/tags-tag-binding';
import { KmsCryptoKey } from '@cdktf/provider-google/lib/kms-crypto-key';
import { OFFBOARDING_TAG_VALUE, lifecycleTagKey } from './lifecycle-tag';
import type { TenantProject } from './tenant-project';

export interface OffboardingTagBindingProps {
  /** The tenant's project (one Smart Segments created: a customer's own project is not ours to tag). */
  readonly project: TenantProject;
  readonly organizationId: string;
  /** The environment's name: the tag key is `<environment>-lifecycle`. */
  readonly environment: string;
}

/** Makes every crypto key of a stack wait for the binding (and so be destroyed before it). */
class KeysAfterBinding implements IAspect {
  constructor(private readonly binding: TerraformResource) {}
  visit(node: IConstruct): void {
    if (node instanceof KmsCryptoKey) node.dependsOn = [...(node.dependsOn ?? []), dependable(this.binding)];
  }
}

export class OffboardingTagBinding extends Construct {
  readonly binding: TagsTagBinding;

  constructor(scope: Construct, id: string, props: OffboardingTagBindingProps) {
    super(scope, id);
    const project = props.project.project;
    if (!project) throw new Error(`OffboardingTagBinding: ${props.project.projectId} is not a project this stack creates; only those are tagged`);
    const key = new DataGoogleTagsTagKey(this, 'key', { parent: `organizations/${props.organizationId}`, shortName: lifecycleTagKey(props.environment) });
    const value = new DataGoogleTagsTagValue(this, 'value', { parent: key.id, shortName: OFFBOARDING_TAG_VALUE });
    this.binding = new TagsTagBinding(this, 'binding', {
      // cloud.google.com/resource-manager/docs/tags/tags-creating-and-managing#attaching: the project by number.
      parent: `//cloudresourcemanager.googleapis.com/projects/${project.number}`,
      tagValue: value.id,
    });
    Aspects.of(scope).add(new KeysAfterBinding(this.binding));
  }
}
