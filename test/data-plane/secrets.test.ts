/** Integration credentials in Secret Manager: SEC-1, SEC-2, SEC-3. */
import { waitingWorkloads } from '../../config/workload-secrets';
import { Testing, TerraformStack } from 'cdktf';
import { jurisdictionRules } from '../../config/jurisdictions';
import { integrationAccountId, serviceAccountEmail, WORKLOAD_ACCOUNT_IDS } from '../../config/naming';
import { IntegrationSecret } from '../../constructs/integration-secret';
import { SecretRotationNotices } from '../../constructs/secret-rotation-notices';
import { ServiceAgents } from '../../constructs/service-agents';
import { TenantProject } from '../../constructs/tenant-project';
import { allStrings, envOf, exampleTenants, iamGrants, mustFind, referenced, runsAs, type BuiltTenant } from './support';

const built = exampleTenants();
const cases = built.map((b) => [b.tenant.id, b] as const);
// Tenants whose workloads all run; lisboa-parque's wait for their secrets (test/data-plane/workload-secrets.test.ts).
const running = cases.filter(([, b]) => waitingWorkloads(b.tenant).length === 0);

/** The secret ids a tenant's config calls for: one per source, destination and integration. */
function expectedSecretIds(b: BuiltTenant): string[] {
  const t = b.tenant;
  return [
    ...t.sources.map((s) => `source-${s}`),
    ...(t.conversionTracking.enabled ? t.conversionTracking.destinations.map((d) => `conversion-${d}`) : []),
    ...t.integrations.map((i) => `integration-${i}`),
  ].sort();
}

/** The account each secret is meant for. */
function expectedReader(b: BuiltTenant, secretId: string): string {
  const [kind, ...rest] = secretId.split('-');
  const name = rest.join('-');
  const account =
    kind === 'source'
      ? WORKLOAD_ACCOUNT_IDS.ingestWebhook
      : kind === 'conversion'
        ? WORKLOAD_ACCOUNT_IDS.conversionRelay
        : integrationAccountId(name as Parameters<typeof integrationAccountId>[0]);
  return serviceAccountEmail(b.tenant.projectId, account);
}

function unitSecretScope() {
  const stack = new TerraformStack(Testing.app(), 'unit');
  const project = new TenantProject(stack, 'project', { projectId: 'unit-test-project', ownership: 'customer' });
  const serviceAgents = new ServiceAgents(stack, 'agents', { project });
  const rotationNotices = new SecretRotationNotices(stack, 'rotation', { project, jurisdiction: 'EEA', serviceAgents });
  return { stack, project, rotationNotices };
}

describe('SEC-1: every credential is a secret replicated inside the jurisdiction, its value never in Terraform', () => {
  it.each(cases)('%s has exactly one secret per source, activated destination and integration', (_id, b) => {
    expect(b.synth.ofType('google_secret_manager_secret').map((s) => s.values.secret_id).sort()).toEqual(expectedSecretIds(b));
  });

  it.each(cases)('%s replicates every secret only in its own region, by user-managed replication', (_id, b) => {
    const regions = jurisdictionRules(b.tenant.jurisdiction).regions;
    for (const s of b.synth.ofType('google_secret_manager_secret')) {
      const replication = s.values.replication as { auto?: unknown; user_managed?: { replicas: Array<{ location: string }> } };
      expect(replication.auto).toBeUndefined();
      const locations = replication.user_managed!.replicas.map((r) => r.location);
      expect(locations).toEqual([b.tenant.region]);
      for (const l of locations) expect(regions).toContain(l);
    }
  });

  it.each(cases)('%s holds no secret version and mounts every credential by reference', (_id, b) => {
    expect(b.synth.resources.filter((r) => r.type.startsWith('google_secret_manager_secret_version'))).toEqual([]);
    for (const w of b.synth.ofType('google_cloud_run_v2_service', 'google_cloud_run_v2_job')) {
      for (const [name, v] of Object.entries(envOf(w))) {
        if (/SECRET|CREDENTIALS|TOKEN|KEY/.test(name)) {
          expect([name, v.value]).toEqual([name, undefined]);
          expect(referenced(b.synth, v.secretRef)?.type).toBe('google_secret_manager_secret');
          expect(v.version).toBe('latest');
        }
      }
    }
    // Nothing that looks like a credential value appears anywhere in the stack.
    expect(allStrings(b.synth).filter((s) => /^(EAA[A-Za-z0-9]{20,}|ya29\.|-----BEGIN)/.test(s))).toEqual([]);
  });

  it('refuses a replica outside the jurisdiction, naming the prop and the allowed regions', () => {
    const { stack, project, rotationNotices } = unitSecretScope();
    const make = (replicaLocations: string[]) =>
      new IntegrationSecret(stack, `s-${replicaLocations.join('-') || 'none'}`, {
        project,
        jurisdiction: 'EEA',
        secretId: 'integration-x',
        purpose: 'unit',
        replicaLocations,
        rotationNotices,
      });
    expect(() => make(['europe-west2'])).toThrow(/replicaLocations.*SEC-1.*europe-west2.*Allowed: europe-west1/);
    expect(() => make([])).toThrow(/replicaLocations.*empty/);
    expect(() => make(['europe-west1'])).not.toThrow();
  });
});

describe('SEC-2: secrets rotate, with notices on a rotation topic', () => {
  it.each(cases)('%s schedules rotation for every secret and sends notices to its rotation topic', (_id, b) => {
    const secrets = b.synth.ofType('google_secret_manager_secret');
    // Every fixture tenant has a source, so a secret: the assertions below always run.
    expect(secrets.length).toBeGreaterThan(0);
    const topic = mustFind(b.synth, 'google_pubsub_topic', 'name', 'secret-rotation');
    for (const s of secrets) {
      const rotation = s.values.rotation as { rotation_period: string; next_rotation_time: string };
      expect(rotation.rotation_period).toBe(`${90 * 24 * 3600}s`);
      // The first rotation is set from plan time, never from the synthesizing machine's clock.
      expect(rotation.next_rotation_time).toBe('${timeadd(plantimestamp(), "2160h")}');
      expect((s.values.lifecycle as { ignore_changes: string[] }).ignore_changes).toContain('rotation[0].next_rotation_time');
      const topics = s.values.topics as Array<{ name: string }>;
      expect(topics.map((t) => referenced(b.synth, t.name))).toEqual([topic]);
      // Secret Manager checks it may publish before it accepts the topic.
      expect((s.values.depends_on as string[]).some((d) => d.startsWith('google_pubsub_topic_iam_member.'))).toBe(true);
    }
    const publishers = iamGrants(b.synth).filter((g) => referenced(b.synth, g.resource.values.topic) === topic);
    expect(publishers.map((g) => [g.role, g.member.replace(/\$\{[^}]+\}/, 'N')])).toEqual([
      ['roles/pubsub.publisher', 'serviceAccount:service-N@gcp-sa-secretmanager.iam.gserviceaccount.com'],
    ]);
    const notices = mustFind(b.synth, 'google_pubsub_subscription', 'name', 'secret-rotation-notices');
    expect(referenced(b.synth, notices.values.topic)).toBe(topic);
  });

  it('refuses a rotation period outside Secret Manager limits', () => {
    const { stack, project, rotationNotices } = unitSecretScope();
    expect(
      () =>
        new IntegrationSecret(stack, 's', {
          project,
          jurisdiction: 'EEA',
          secretId: 'integration-x',
          purpose: 'unit',
          replicaLocations: ['europe-west1'],
          rotationNotices,
          rotationDays: 0,
        }),
    ).toThrow(/rotationDays/);
  });
});

describe('SEC-3: each secret is readable by exactly the one workload that uses it', () => {
  it.each(running)('%s grants secretAccessor once per secret, to the account of the only workload mounting it', (_id, b) => {
    const workloads = b.synth.ofType('google_cloud_run_v2_service', 'google_cloud_run_v2_job');
    for (const s of b.synth.ofType('google_secret_manager_secret')) {
      const id = String(s.values.secret_id);
      const grants = iamGrants(b.synth).filter((g) => g.targetType === 'google_secret_manager_secret' && referenced(b.synth, g.resource.values.secret_id) === s);
      expect(grants.map((g) => [g.role, g.member])).toEqual([['roles/secretmanager.secretAccessor', `serviceAccount:${expectedReader(b, id)}`]]);
      const mounting = workloads.filter((w) => Object.values(envOf(w)).some((v) => referenced(b.synth, v.secretRef) === s));
      expect(mounting.map(runsAs)).toEqual([expectedReader(b, id)]);
    }
    // No secret grant exists that is not one of the above.
    expect(iamGrants(b.synth).filter((g) => g.targetType === 'google_secret_manager_secret')).toHaveLength(
      b.synth.ofType('google_secret_manager_secret').length,
    );
  });

  it('a second reader is refused', () => {
    const { stack, project, rotationNotices } = unitSecretScope();
    const secret = new IntegrationSecret(stack, 's', {
      project,
      jurisdiction: 'EEA',
      secretId: 'integration-x',
      purpose: 'unit',
      replicaLocations: ['europe-west1'],
      rotationNotices,
    });
    secret.grantAccess({ member: 'serviceAccount:a@unit-test-project.iam.gserviceaccount.com' });
    expect(() => secret.grantAccess({ member: 'serviceAccount:b@unit-test-project.iam.gserviceaccount.com' })).toThrow(/exactly one reader \(SEC-3\)/);
  });
  it('granting the same reader again returns its one grant (the data plane grants before the workload exists)', () => {
    const { stack, project, rotationNotices } = unitSecretScope();
    const secret = new IntegrationSecret(stack, 's', {
      project,
      jurisdiction: 'EEA',
      secretId: 'integration-x',
      purpose: 'unit',
      replicaLocations: ['europe-west1'],
      rotationNotices,
    });
    const reader = { member: 'serviceAccount:a@unit-test-project.iam.gserviceaccount.com' };
    expect(secret.grantAccess(reader)).toBe(secret.grantAccess(reader));
    expect(secret.accessorMember).toBe(reader.member);
  });
});
