/**
 * `terraform validate` on every synthesized stack, against the providers' own schemas. It needs a
 * Terraform binary and the google and google-beta providers 6.50.0 (tenant stacks create service
 * agents with google-beta), which `terraform init` downloads; offline machines cannot, so there the
 * test is skipped and prints why. The deploy workflow has both.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildApp } from '../stacks/build-app';
import { FIXTURE_ENVIRONMENTS_DIR } from './support/synth';

/** Why the test cannot run here, or undefined when Terraform and the google provider are available. */
function unavailableBecause(): string | undefined {
  const version = spawnSync('terraform', ['version'], { encoding: 'utf8' });
  if (version.status !== 0) return 'no Terraform binary on PATH';
  // The binary alone is not enough: `terraform init` must also obtain both providers at 6.50.0
  // (from the registry, a mirror or a plugin cache). Probe it once in an empty configuration.
  const probe = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-tf-probe-'));
  try {
    fs.writeFileSync(
      path.join(probe, 'main.tf.json'),
      JSON.stringify({
        terraform: {
          required_providers: {
            google: { source: 'hashicorp/google', version: '6.50.0' },
            'google-beta': { source: 'hashicorp/google-beta', version: '6.50.0' },
          },
        },
      }),
    );
    const init = spawnSync('terraform', ['init', '-backend=false', '-input=false', '-no-color'], { cwd: probe, encoding: 'utf8', timeout: 120000 });
    if (init.status !== 0) return 'Terraform is installed but cannot obtain the google and google-beta providers 6.50.0 (no registry access and no local mirror)';
    return undefined;
  } finally {
    fs.rmSync(probe, { recursive: true, force: true });
  }
}

const skipReason = unavailableBecause();
if (skipReason) {
  // eslint-disable-next-line no-console
  console.log(`terraform validate skipped: ${skipReason}. It runs where both are available, as in the deploy workflow.`);
}
const hasTerraform = skipReason === undefined;
const itWithTerraform = hasTerraform ? it : it.skip; // the one allowed skip: needs Terraform

describe('terraform validate (needs a Terraform binary)', () => {
  itWithTerraform('every fixture stack is valid Terraform for the google and google-beta providers 6.50', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-validate-'));
    try {
      buildApp({ environmentsDir: FIXTURE_ENVIRONMENTS_DIR, environment: 'fixture', outdir }).synth();
      for (const stack of fs.readdirSync(path.join(outdir, 'stacks'))) {
        const dir = path.join(outdir, 'stacks', stack);
        const init = spawnSync('terraform', ['init', '-backend=false', '-input=false'], { cwd: dir, encoding: 'utf8' });
        expect({ stack, init: init.status, out: init.status === 0 ? '' : init.stderr }).toEqual({ stack, init: 0, out: '' });
        const validate = spawnSync('terraform', ['validate', '-no-color'], { cwd: dir, encoding: 'utf8' });
        expect({ stack, validate: validate.status, out: validate.status === 0 ? '' : validate.stderr }).toEqual({ stack, validate: 0, out: '' });
      }
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
