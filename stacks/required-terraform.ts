/**
 * The Terraform version every stack needs, declared in its `terraform` block so an older binary
 * refuses the configuration at init instead of failing halfway through an apply.
 */
import type { TerraformStack } from 'cdktf';

/**
 * `removed` blocks (the handover's release, constructs/state-release.ts) need Terraform 1.7
 * (developer.hashicorp.com/terraform/language/resources/syntax#removing-resources);
 * `plantimestamp()` needs 1.5.
 */
export const REQUIRED_TERRAFORM_VERSION = '>= 1.7.0';

/** Sets `terraform.required_version` on `stack`. */
export function requireTerraformVersion(stack: TerraformStack): void {
  stack.addOverride('terraform.required_version', REQUIRED_TERRAFORM_VERSION);
}
