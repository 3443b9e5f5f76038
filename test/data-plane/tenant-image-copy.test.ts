/**
 * Relay images for a tenant in the customer's own project (issue 12, last item): the project's Cloud
 * Run agent belongs to the customer's organization, which our domain-restricted sharing does not
 * admit on the platform registry, so the stack creates a `relay` repository in the customer's project,
 * the images are copied there by the digests platform.yaml pins, and every workload runs the copy.
 * The first apply declares the repository and no workload; once the copies are recorded
 * (`copiedImages`) the workloads appear, only adding resources.
 */
import { Testing } from 'cdktf';
import { contextFor, evaluateStack, formatViolation } from '../../compliance/engine';
import { RULES } from '../../compliance/pack';
import { evaluateDeployability } from '../../compliance/deployability/pack';
import { customerGrants } from '../../compliance/deployability/checks/dep-perm';
import { synthesizeStack } from '../../compliance/synth-gate';
import type { SynthesizedStack } from '../../compliance/synthesized-stack';
import { WORKLOAD_TYPES } from '../../compliance/workloads';
import type { EnvironmentConfig, ResolvedTenant } from '../../config/loader';
import { sharedProjectId } from '../../config/naming';
import { copiedImagesRecord, digestOf, imageCopyCommands, tenantImageReference } from '../../config/relay-images';
import { tenantSchema, type TenantInput } from '../../config/schema';
import { describeWaitingWorkloads, runningAccountIds, tenantWorkloads } from '../../config/workload-secrets';
import { PlatformStack } from '../../stacks/platform-stack';
import { TenantStack } from '../../stacks/tenant-stack';
import { onboardingNextSteps } from '../../scripts/lib/onboarding';
import { secretsReport } from '../../scripts/lib/secrets';
import { environmentWith } from '../compliance/support';
import { fixtureEnvironment, makeTenant } from '../support/synth';

const platform = fixtureEnvironment().platform;
const PROJECT = 'own-dwh-project';
const CUSTOMER_OWNED: Partial<TenantInput> = {
  id: 'own-project',
  region: 'europe-north1',
  sources: ['roller'],
  integrations: ['mailchimp'],
  conversionTracking: { enabled: true, destinations: ['meta'] },
  mcp: { enabled: true },
  warehouse: { mode: 'customer', projectId: PROJECT, provisionedBy: 'customer' },
};
const ALL_COPIED = {
  ingestWebhook: digestOf(platform.images.ingestWebhook),
  conversionRelay: digestOf(platform.images.conversionRelay),
  mcpEndpoint: digestOf(platform.images.mcpEndpoint),
  integrationSync: digestOf(platform.images.integrationSync),
};

interface Built {
  readonly tenant: ResolvedTenant;
  readonly synth: SynthesizedStack;
  readonly env: EnvironmentConfig;
}
function build(overrides: Partial<TenantInput>): Built {
  const tenant = makeTenant({ ...CUSTOMER_OWNED, ...overrides });
  const env = environmentWith(tenant);
  return { tenant, env, synth: synthesizeStack(new TenantStack(Testing.app(), { environment: env, tenant })) };
}

function dpaViolations(b: Built): string[] {
  return evaluateStack(contextFor(b.synth, [b.env]), RULES).violations.map(formatViolation);
}
function deployViolations(b: Built): string[] {
  const platformStack = synthesizeStack(new PlatformStack(Testing.app(), { environment: b.env }));
  return evaluateDeployability({ stack: b.synth, kind: 'tenant', environment: b.env, tenant: b.tenant, platform: platformStack }).violations.map(formatViolation);
}
const workloadsOf = (s: SynthesizedStack) => s.ofType(...WORKLOAD_TYPES);
const imagesOf = (s: SynthesizedStack) =>
  workloadsOf(s).map((w) => {
    const template = w.values.template as { containers?: { image: string }[]; template?: { containers: { image: string }[] } };
    return (template.containers ?? template.template!.containers)[0].image;
  });

const firstApply = build({ copiedImages: undefined });
const copied = build({ copiedImages: ALL_COPIED });

describe("a tenant in the customer's own project pulls its relay images from its own copy", () => {
  it('declares one DOCKER repository "relay" in the customer\'s project and the tenant\'s region, with immutable tags and the operational data class', () => {
    for (const b of [firstApply, copied]) {
      const repos = b.synth.ofType('google_artifact_registry_repository');
      expect(repos).toHaveLength(1);
      expect(repos[0].values).toMatchObject({
        project: PROJECT,
        location: 'europe-north1',
        repository_id: 'relay',
        format: 'DOCKER',
        docker_config: { immutable_tags: true },
        labels: { 'data-class': 'operational', tenant: 'own-project', environment: b.env.name },
      });
    }
  });

  it("every service and job runs its image from that repository, by the digest platform.yaml pins", () => {
    const expected = [
      tenantImageReference(platform.images.ingestWebhook, PROJECT, 'europe-north1'),
      tenantImageReference(platform.images.conversionRelay, PROJECT, 'europe-north1'),
      tenantImageReference(platform.images.mcpEndpoint, PROJECT, 'europe-north1'),
      tenantImageReference(platform.images.integrationSync, PROJECT, 'europe-north1'),
    ];
    expect(expected[0]).toBe(`europe-north1-docker.pkg.dev/${PROJECT}/relay/ingest-webhook@${ALL_COPIED.ingestWebhook}`);
    const images = imagesOf(copied.synth);
    // ingest, relay, purge job (relay image), MCP, one integration job
    expect(images).toHaveLength(5);
    expect([...new Set(images)].sort()).toEqual([...expected].sort());
    for (const image of images) expect(image.startsWith(`europe-north1-docker.pkg.dev/${PROJECT}/relay/`)).toBe(true);
  });

  it('grants nothing on the platform repository; on the copy, the apply deployer may read (Cloud Run checks it) and only the platform administrators may push', () => {
    for (const b of [firstApply, copied]) {
      const grants = b.synth.ofType('google_artifact_registry_repository_iam_member');
      expect(grants.filter((g) => g.values.project === sharedProjectId(platform))).toEqual([]);
      expect(grants.map((g) => [g.values.project, g.values.role, g.values.member]).sort()).toEqual([
        [PROJECT, 'roles/artifactregistry.reader', `serviceAccount:ci-tenant-eea@${sharedProjectId(platform)}.iam.gserviceaccount.com`],
        [PROJECT, 'roles/artifactregistry.writer', `group:${platform.groups.platformAdmins}`],
      ]);
    }
  });

  it('passes the DPA rule pack and the deployability pack, before and after the copy', () => {
    expect(dpaViolations(firstApply)).toEqual([]);
    expect(dpaViolations(copied)).toEqual([]);
    expect(deployViolations(firstApply)).toEqual([]);
    expect(deployViolations(copied)).toEqual([]);
  });

  it("DEP-PERM lists the repository's permissions among what the customer grants the apply deployer", () => {
    const platformStack = synthesizeStack(new PlatformStack(Testing.app(), { environment: copied.env }));
    const grants = customerGrants({ stack: copied.synth, kind: 'tenant', environment: copied.env, tenant: copied.tenant, platform: platformStack });
    const apply = grants.find((g) => g.identity.includes('ci-tenant-eea'))!;
    expect(apply.scope).toBe(`projects/${PROJECT}`);
    expect(apply.permissions).toEqual(expect.arrayContaining(['artifactregistry.repositories.create', 'artifactregistry.repositories.setIamPolicy']));
  });
});

describe('the first apply: the repository, no workload', () => {
  it('declares no Cloud Run service or job while no image is recorded as copied, though every secret is populated', () => {
    expect(firstApply.tenant.populatedSecrets.length).toBeGreaterThan(0);
    expect(workloadsOf(firstApply.synth)).toEqual([]);
    expect(runningAccountIds(firstApply.tenant)).toEqual([]);
    expect(describeWaitingWorkloads(firstApply.tenant)).toContain('mcp-endpoint waits for its image mcpEndpoint copied into the project (copiedImages)');
    expect(firstApply.synth.ofType('google_cloud_scheduler_job')).toEqual([]);
    expect(firstApply.synth.ofType('google_pubsub_subscription').filter((r) => r.values.push_config !== undefined)).toEqual([]);
  });

  it('recording the copies only adds: every resource of the first apply keeps its address', () => {
    const now = new Set(copied.synth.resources.map((r) => r.address));
    expect(firstApply.synth.resources.map((r) => r.address).filter((a) => !now.has(a))).toEqual([]);
    expect(runningAccountIds(copied.tenant).sort()).toEqual(tenantWorkloads(copied.tenant).map((w) => w.accountId).sort());
  });

  it('a workload waits for its own image only: with only mcpEndpoint copied, only the MCP endpoint is declared', () => {
    const partial = build({ copiedImages: { mcpEndpoint: ALL_COPIED.mcpEndpoint } });
    expect(imagesOf(partial.synth)).toEqual([tenantImageReference(platform.images.mcpEndpoint, PROJECT, 'europe-north1')]);
    expect(dpaViolations(partial)).toEqual([]);
  });
});

describe('a copy that is not the digest platform.yaml pins', () => {
  it('refuses the synthesis, naming the field, both digests and the copy command', () => {
    const stale = `sha256:${'a'.repeat(64)}`;
    const tenant = makeTenant({ ...CUSTOMER_OWNED, copiedImages: { ...ALL_COPIED, mcpEndpoint: stale } });
    expect(() => new TenantStack(Testing.app(), { environment: environmentWith(tenant), tenant })).toThrow(
      new RegExp(
        `copiedImages\\.mcpEndpoint records ${stale}, but platform.yaml images\\.mcpEndpoint pins ${ALL_COPIED.mcpEndpoint}; copy it \\(crane copy ${platform.images.mcpEndpoint.replace(/[.]/g, '\\.')} .*\\) and set copiedImages\\.mcpEndpoint: "${ALL_COPIED.mcpEndpoint}" in test/own-project\\.yaml`,
      ),
    );
  });
});

describe('the copy commands and the record', () => {
  it('one crane copy per image the tenant uses, from the platform reference to the tenant copy, same digest', () => {
    const tenant = makeTenant({ ...CUSTOMER_OWNED, conversionTracking: { enabled: false }, integrations: [] });
    expect(imageCopyCommands(tenant, platform.images)).toEqual([
      `crane copy ${platform.images.ingestWebhook} europe-north1-docker.pkg.dev/${PROJECT}/relay/ingest-webhook@${ALL_COPIED.ingestWebhook}`,
      `crane copy ${platform.images.mcpEndpoint} europe-north1-docker.pkg.dev/${PROJECT}/relay/mcp-endpoint@${ALL_COPIED.mcpEndpoint}`,
    ]);
    expect(copiedImagesRecord(tenant, platform.images)).toBe(
      `copiedImages: { ingestWebhook: "${ALL_COPIED.ingestWebhook}", mcpEndpoint: "${ALL_COPIED.mcpEndpoint}" }`,
    );
  });
});

describe('copiedImages in the tenant file', () => {
  const base = {
    id: 'schema-check',
    displayName: 'Schema Check',
    jurisdiction: 'EEA',
    region: 'europe-west1',
    llmSupport: 'allowed',
    contacts: { security: 'security@schema.example' },
  };
  const issues = (input: Record<string, unknown>) => {
    const r = tenantSchema.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it("is refused for a project Smart Segments owns, which pulls from the platform registry", () => {
    for (const warehouse of [{ mode: 'smart-segments' }, { mode: 'customer', projectId: 'handed-dwh-01', provisionedBy: 'smart-segments' }]) {
      expect(issues({ ...base, warehouse, copiedImages: { mcpEndpoint: ALL_COPIED.mcpEndpoint } })).toEqual([
        expect.stringMatching(/^copiedImages: copiedImages is only for a customer's own project .*remove the field$/),
      ]);
    }
  });

  it('refuses a value that is not a digest and an unknown image', () => {
    const warehouse = { mode: 'customer', projectId: PROJECT, provisionedBy: 'customer' };
    expect(issues({ ...base, warehouse, copiedImages: { mcpEndpoint: 'latest' } })).toEqual(['copiedImages.mcpEndpoint: expected an image digest: sha256:<64 hex digits>']);
    expect(issues({ ...base, warehouse, copiedImages: { webUi: ALL_COPIED.mcpEndpoint } })).toEqual([expect.stringMatching(/^copiedImages: .*webUi/)]);
    expect(issues({ ...base, warehouse, copiedImages: ALL_COPIED })).toEqual([]);
  });
});

describe("tenants in Smart Segments' own projects are unchanged", () => {
  it('pull from the platform registry, with the Cloud Run agent granted read on it and no repository of their own', () => {
    const own = makeTenant({ id: 'own-ours', mcp: { enabled: true } });
    const s = synthesizeStack(new TenantStack(Testing.app(), { environment: environmentWith(own), tenant: own }));
    expect(s.ofType('google_artifact_registry_repository')).toEqual([]);
    expect(s.ofType('google_artifact_registry_repository_iam_member').map((g) => [g.values.project, g.values.role])).toEqual([
      [sharedProjectId(platform), 'roles/artifactregistry.reader'],
    ]);
    expect(imagesOf(s).sort()).toEqual([platform.images.ingestWebhook, platform.images.mcpEndpoint].sort());
  });
});

describe('onboarding prints the copy for such a tenant, and nothing new for others', () => {
  it("names the repository, the login, each crane copy and the record, after the customer's prerequisites", () => {
    const tenant = makeTenant({ ...CUSTOMER_OWNED, conversionTracking: { enabled: false }, integrations: [] });
    const text = onboardingNextSteps('fixture', tenant, 'tenant-fixture-own-project', platform.images).join('\n');
    expect(text).toContain(`Project ${PROJECT} is the customer's own (HAND-2).`);
    expect(text).toContain(`The first deploy creates the repository europe-north1-docker.pkg.dev/${PROJECT}/relay and no workload:`);
    expect(text).toContain('  gcloud auth configure-docker europe-north1-docker.pkg.dev,europe-west1-docker.pkg.dev\n');
    for (const command of imageCopyCommands(tenant, platform.images)) expect(text).toContain(`\n  ${command}\n`);
    expect(text).toContain(`then adds this line to environments/fixture/tenants/own-project.yaml, commits it and deploys again (the workloads appear):\n  ${copiedImagesRecord(tenant, platform.images)}`);
    // The secrets paragraph names only the workloads that mount a secret, not the MCP endpoint waiting for its image.
    expect(text).toContain('workloads that mount them (ingest-webhook) are created only once');
  });

  it("a tenant in Smart Segments' own project gets no copy step", () => {
    const text = onboardingNextSteps('fixture', makeTenant({ id: 'ours' }), 'tenant-fixture-ours', platform.images).join('\n');
    expect(text).not.toMatch(/crane|copiedImages|customer's own/);
  });
});

describe('npm run secrets tells a workload waiting for its image from one waiting for its secrets', () => {
  it('with every secret populated and no copy, it lists the image each workload waits for', () => {
    const text = secretsReport(firstApply.tenant, 'fixture');
    expect(text).toContain('Every secret is recorded as populated; the workloads below still wait for their image.');
    expect(text).toContain('  mcp-endpoint (service): mcpEndpoint');
    expect(text).not.toContain('every workload is declared');
  });

  it('once copied, every workload is declared', () => {
    expect(secretsReport(copied.tenant, 'fixture')).toContain('Every secret is recorded as populated; every workload is declared.');
  });
});
