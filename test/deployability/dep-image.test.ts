/**
 * DEP-IMAGE: every Cloud Run workload runs an image its project's Cloud Run agent can pull and that
 * exists: the platform's, with the pull grant, in a project Smart Segments owns; the tenant's recorded
 * copy in its own repository in a customer's own project.
 */
import { Testing } from 'cdktf';
import { synthesizeStack } from '../../compliance/synth-gate';
import { SynthesizedStack } from '../../compliance/synthesized-stack';
import type { EnvironmentConfig, ResolvedTenant } from '../../config/loader';
import { digestOf, tenantImageReference } from '../../config/relay-images';
import type { TenantInput } from '../../config/schema';
import { TenantStack } from '../../stacks/tenant-stack';
import { environmentWith } from '../compliance/support';
import { fixtureEnvironment, makeTenant } from '../support/synth';
import { expectAccepted, expectRejected, runDeployCheck } from './support';

const images = fixtureEnvironment().platform.images;
const PROJECT = 'dep-image-dwh';
const CUSTOMER: Partial<TenantInput> = {
  id: 'dep-image',
  region: 'europe-north1',
  sources: [],
  mcp: { enabled: true },
  warehouse: { mode: 'customer', projectId: PROJECT, provisionedBy: 'customer' },
  copiedImages: { mcpEndpoint: digestOf(images.mcpEndpoint) },
};

interface Built {
  readonly tenant: ResolvedTenant;
  readonly env: EnvironmentConfig;
  readonly synth: SynthesizedStack;
}
function build(overrides: Partial<TenantInput>): Built {
  const tenant = makeTenant(overrides);
  const env = environmentWith(tenant);
  return { tenant, env, synth: synthesizeStack(new TenantStack(Testing.app(), { environment: env, tenant })) };
}

/** The stack's JSON with `edit` applied, parsed again. */
function edited(b: Built, edit: (json: { resource: Record<string, Record<string, Record<string, unknown>>> }) => void): SynthesizedStack {
  const json = JSON.parse(JSON.stringify(b.synth.json)) as { resource: Record<string, Record<string, Record<string, unknown>>> };
  edit(json);
  return SynthesizedStack.parse(b.synth.name, JSON.stringify(json));
}
const setMcpImage = (image: string) => (json: { resource: Record<string, Record<string, Record<string, unknown>>> }) => {
  for (const service of Object.values(json.resource.google_cloud_run_v2_service)) {
    (service.template as { containers: { image: string }[] }).containers[0].image = image;
  }
};

const customer = build(CUSTOMER);
const ours = build({ id: 'dep-image-ours', sources: [], mcp: { enabled: true } });
const tenantCopy = tenantImageReference(images.mcpEndpoint, PROJECT, 'europe-north1');

describe('DEP-IMAGE in a customer\'s own project', () => {
  it('accepts the recorded copy in the stack\'s own repository', () => {
    const outcome = runDeployCheck('DEP-IMAGE', customer.synth, customer.env, customer.tenant);
    expectAccepted(outcome);
    expect(outcome.compliant.join('\n')).toContain(`runs the tenant's copy ${tenantCopy}, recorded as copied`);
  });

  it("refuses the platform's image: the customer's Cloud Run agent may not pull across organizations", () => {
    const stack = edited(customer, setMcpImage(images.mcpEndpoint));
    const outcome = runDeployCheck('DEP-IMAGE', stack, customer.env, customer.tenant);
    expectRejected(outcome, 'DEP-IMAGE', stack.name, /google_cloud_run_v2_service\..*not in a relay repository the stack creates in dep-image-dwh/);
    expect(outcome.violations.join('\n')).toContain(`Fix: run the tenant's copy (${tenantCopy})`);
  });

  it('refuses a copy whose digest is not recorded, naming the crane copy and the field', () => {
    const stale = tenantCopy.replace(/@sha256:.*/, `@sha256:${'b'.repeat(64)}`);
    const stack = edited(customer, setMcpImage(stale));
    const outcome = runDeployCheck('DEP-IMAGE', stack, customer.env, customer.tenant);
    expectRejected(outcome, 'DEP-IMAGE', stack.name, /whose digest the tenant file does not record as copied \(copiedImages\.mcpEndpoint: sha256:3{64}\)/);
    expect(outcome.violations.join('\n')).toContain(`crane copy ${images.mcpEndpoint} ${tenantCopy}`);
  });

  it('refuses a workload when the stack has no repository of its own', () => {
    const stack = edited(customer, (json) => {
      delete (json.resource as Record<string, unknown>).google_artifact_registry_repository;
    });
    expectRejected(runDeployCheck('DEP-IMAGE', stack, customer.env, customer.tenant), 'DEP-IMAGE', stack.name, /not in a relay repository the stack creates/);
  });
});

describe("DEP-IMAGE in a project Smart Segments owns", () => {
  it("accepts platform.yaml's image with the Cloud Run agent's grant on the platform repository", () => {
    expectAccepted(runDeployCheck('DEP-IMAGE', ours.synth, ours.env, ours.tenant));
  });

  it('refuses the same image without that grant', () => {
    const stack = edited(ours, (json) => {
      delete (json.resource as Record<string, unknown>).google_artifact_registry_repository_iam_member;
    });
    expectRejected(runDeployCheck('DEP-IMAGE', stack, ours.env, ours.tenant), 'DEP-IMAGE', stack.name, /does not grant its Cloud Run agent roles\/artifactregistry\.reader on ssx-platform\/relay/);
  });

  it('refuses an image that is not one of platform.yaml\'s', () => {
    const stack = edited(ours, setMcpImage(`europe-west1-docker.pkg.dev/elsewhere/relay/mcp-endpoint@sha256:${'c'.repeat(64)}`));
    expectRejected(runDeployCheck('DEP-IMAGE', stack, ours.env, ours.tenant), 'DEP-IMAGE', stack.name, /which is not one of platform\.yaml's images/);
  });
});
