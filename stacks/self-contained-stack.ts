/**
 * The base of every stack here. Stacks never reference one another: a tenant stack reads the
 * platform's facts from config, never from the platform's state (docs/platform.md), so there is no
 * cross-stack reference for cdktf to wire. cdktf nevertheless resolves every element of every stack
 * twice: once in `prepareStack` (a "preparing" pass whose only job is to find cross-stack references
 * and add remote-state data sources for them; cdktf 0.21 lib/terraform-stack.js prepareStack), then
 * again to write the JSON. Skipping the first pass saves about a tenth of synthesis CPU.
 *
 * Safe because a reference to another stack's resource then stays a plain `${type.name.attr}` that
 * names a resource this stack does not declare, and the deployability check DEP-REF refuses every
 * such reference at synthesis, naming it (compliance/deployability/checks/dep-ref.ts).
 */
import { TerraformStack } from 'cdktf';

export abstract class SelfContainedStack extends TerraformStack {
  prepareStack(): void {
    // What cdktf's prepareStack does besides the preparing pass: every stack gets a backend.
    this.ensureBackendExists();
  }
}
