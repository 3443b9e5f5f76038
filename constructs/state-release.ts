/**
 * Lets resources leave Terraform state without being destroyed: each resource under the given
 * constructs becomes a `removed { from = <address>, lifecycle { destroy = false } }` block (Terraform
 * 1.7+) and is taken out of the configuration. Used when a project is handed to its customer
 * (HAND-1): the project, its owner grant and its data stay; only our state forgets them.
 */
import type { Construct } from 'constructs';
import { TerraformResource, type TerraformStack } from 'cdktf';

export function releaseFromState(stack: TerraformStack, scopes: readonly Construct[]): string[] {
  const addresses: string[] = [];
  for (const scope of scopes) {
    for (const node of scope.node.findAll()) {
      if (node instanceof TerraformResource) {
        addresses.push(`${node.terraformResourceType}.${stack.getLogicalId(node)}`);
      }
    }
  }
  for (const scope of scopes) {
    const parent = scope.node.scope;
    if (!parent || !parent.node.tryRemoveChild(scope.node.id)) {
      throw new Error(`releaseFromState: could not take ${scope.node.path} out of the configuration`);
    }
  }
  addresses.sort();
  if (addresses.length > 0) {
    stack.addOverride(
      'removed',
      addresses.map((from) => ({ from, lifecycle: { destroy: false } })),
    );
  }
  return addresses;
}
