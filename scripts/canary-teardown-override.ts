/**
 * The canary's teardown of a stack that has no lifecycle path to destruction (docs/canary.md,
 * "Teardown"): the platform stack always, and a tenant stack only when its offboarding apply failed
 * (a half-applied first deploy). The platform is built never to be destroyed: its folders carry
 * deletion_protection, its projects deletion_policy PREVENT, the state bucket and the central audit
 * log bucket prevent_destroy, and that log bucket is locked.
 * Production has no path that lifts this, and the canary must not add one to the stacks. So for the
 * canary only, this writes a Terraform override file next to the synthesized stack
 * (`canary_teardown_override.tf.json`; Terraform merges `*_override.tf.json` into the configuration
 * argument by argument, lifecycle blocks included:
 * https://developer.hashicorp.com/terraform/language/files/override) that lifts each protection,
 * and prints the addresses of the locked log buckets: a locked bucket "may only be deleted if it is
 * empty" (https://cloud.google.com/logging/docs/reference/v2/rest/v2/locations.buckets), so the
 * teardown removes them from state and leaves them to the deletion of their project.
 *
 *   node -r ./scripts/register.js scripts/canary-teardown-override.ts <synthesized stack dir>
 *
 * The override is applied once (so the lifted values reach the state, which the provider's delete
 * reads); then the locked buckets leave the state and the stack is destroyed. It is never committed and never used outside the canary workflow.
 */
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from './lib/atomic-write';

export const OVERRIDE_FILE = 'canary_teardown_override.tf.json';

type Block = Record<string, unknown> & { lifecycle?: { prevent_destroy?: boolean }; locked?: boolean };

export interface TeardownPlan {
  /** type -> name -> the arguments that lift its protection. */
  readonly override: Record<string, Record<string, Record<string, unknown>>>;
  /** `type.name` of every locked log bucket, to remove from state before destroy. */
  readonly lockedLogBuckets: string[];
}

/** What lifts the protection of each resource of a synthesized stack (cdk.tf.json). */
export function teardownPlan(synthesized: { resource?: Record<string, Record<string, Block>> }): TeardownPlan {
  const override: TeardownPlan['override'] = {};
  const lockedLogBuckets: string[] = [];
  for (const [type, blocks] of Object.entries(synthesized.resource ?? {})) {
    for (const [name, block] of Object.entries(blocks)) {
      const lift: Record<string, unknown> = {};
      if (block.lifecycle?.prevent_destroy === true) lift.lifecycle = { prevent_destroy: false };
      if (block.deletion_protection === true) lift.deletion_protection = false;
      if (block.deletion_policy === 'PREVENT') lift.deletion_policy = 'DELETE';
      if (type === 'google_storage_bucket') lift.force_destroy = true;
      if (Object.keys(lift).length > 0) (override[type] ??= {})[name] = lift;
      if (type === 'google_logging_project_bucket_config' && block.locked === true) lockedLogBuckets.push(`${type}.${name}`);
    }
  }
  return { override, lockedLogBuckets: lockedLogBuckets.sort() };
}

function main(argv: readonly string[]): number {
  const dir = argv[0];
  const file = dir ? path.join(dir, 'cdk.tf.json') : '';
  if (argv.length !== 1 || !fs.existsSync(file)) {
    console.error(`usage: canary-teardown-override.ts <synthesized stack dir>; ${file || '(none given)'} does not exist`);
    return 2;
  }
  const plan = teardownPlan(JSON.parse(fs.readFileSync(file, 'utf8')));
  writeFileAtomic(path.join(dir, OVERRIDE_FILE), `${JSON.stringify({ resource: plan.override }, null, 2)}\n`);
  process.stdout.write(plan.lockedLogBuckets.map((a) => `${a}\n`).join(''));
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
