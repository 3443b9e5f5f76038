/**
 * Workloads wait for their secrets (issue 9 item 3) and a retiring feature's resources lose their
 * delete protection (item 4). A tenant whose secrets have no recorded value synthesizes its secrets
 * but no Cloud Run service or job that mounts one, nothing that depends on such a workload (NEG,
 * backend, URL map, push subscriptions, scheduler jobs), and passes the whole DPA rule pack; once
 * every secret is recorded, the workloads appear.
 */
import { Testing } from 'cdktf';
import { evaluateStack, contextFor, formatViolation } from '../../compliance/engine';
import { RULES } from '../../compliance/pack';
import { synthesizeStack } from '../../compliance/synth-gate';
import type { SynthesizedStack } from '../../compliance/synthesized-stack';
import { mountedSecretsOf, WORKLOAD_TYPES } from '../../compliance/workloads';
import type { EnvironmentConfig, ResolvedTenant } from '../../config/loader';
import { tenantSecretIds } from '../../config/naming';
import type { TenantInput } from '../../config/schema';
import { runningAccountIds, tenantWorkloads } from '../../config/workload-secrets';
import { TenantStack } from '../../stacks/tenant-stack';
import { environmentWith } from '../compliance/support';
import { makeTenant } from '../support/synth';
import { envOf, example, runsAs } from './support';

/** Every feature: two sources, conversion to both destinations, MCP, two integrations. */
const EVERYTHING: Partial<TenantInput> = {
  id: 'all-features',
  sources: ['roller', 'revsport'],
  integrations: ['mailchimp', 'xero'],
  conversionTracking: { enabled: true, destinations: ['meta', 'google-ads'], googleDeniedConsent: 'drop' },
  mcp: { enabled: true },
};

const synthesized = new Map<string, { synth: SynthesizedStack; env: EnvironmentConfig }>();
/** Synthesizes a test tenant's stack, once per distinct tenant in this file (several tests read the same one). */
function synth(tenant: ResolvedTenant): { synth: SynthesizedStack; env: EnvironmentConfig } {
  const key = JSON.stringify(tenant);
  const found = synthesized.get(key);
  if (found) return found;
  const env = environmentWith(tenant);
  const built = { synth: synthesizeStack(new TenantStack(Testing.app(), { environment: env, tenant })), env };
  synthesized.set(key, built);
  return built;
}

function dpaViolations(s: SynthesizedStack, env: EnvironmentConfig): string[] {
  return evaluateStack(contextFor(s, [env]), RULES).violations.map(formatViolation);
}

const workloadsOf = (s: SynthesizedStack) => s.ofType(...WORKLOAD_TYPES);
const secretIdsOf = (s: SynthesizedStack) => s.ofType('google_secret_manager_secret').map((r) => String(r.values.secret_id)).sort();

describe('a first apply with no secret value: the secrets exist, no workload mounts one', () => {
  const tenant = makeTenant({ ...EVERYTHING, populatedSecrets: [] });
  const { synth: s, env } = synth(tenant);

  it('declares every secret the config implies, empty (no version)', () => {
    expect(secretIdsOf(s)).toEqual(tenantSecretIds(tenant));
    expect(secretIdsOf(s)).toEqual([
      'conversion-google-ads',
      'conversion-meta',
      'integration-mailchimp',
      'integration-xero',
      'source-revsport',
      'source-roller',
    ]);
    expect(s.ofType('google_secret_manager_secret_version')).toEqual([]);
  });

  it('declares no Cloud Run service or job that mounts a secret, only those that mount none', () => {
    const workloads = workloadsOf(s);
    expect(workloads.filter((w) => mountedSecretsOf(s, w).length > 0).map((w) => w.address)).toEqual([]);
    expect(workloads.map(runsAs).sort()).toEqual(
      [`conversion-purge@${tenant.projectId}.iam.gserviceaccount.com`, `mcp-endpoint@${tenant.projectId}.iam.gserviceaccount.com`].sort(),
    );
    expect(runningAccountIds(tenant).sort()).toEqual(['conversion-purge', 'mcp-endpoint']);
  });

  it('declares nothing that depends on a waiting workload: no push subscription to the relay, no scheduler for an integration, no ingest backend', () => {
    expect(s.ofType('google_pubsub_subscription').filter((r) => r.values.push_config !== undefined)).toEqual([]);
    expect(s.ofType('google_cloud_scheduler_job').map((r) => r.values.name)).toEqual(['conversion-state-purge']);
    expect(s.ofType('google_compute_region_network_endpoint_group').map((r) => r.values.name)).toEqual(['edge-mcp-endpoint']);
    expect(s.ofType('google_cloud_run_v2_service_iam_member')).toEqual([]);
  });

  it('keeps the accounts, and grants each secret to the one account that will mount it, so the grant has propagated when the workload appears', () => {
    expect(s.ofType('google_service_account').map((r) => r.values.account_id)).toEqual(
      expect.arrayContaining(['ingest-webhook', 'conversion-relay', 'sync-mailchimp', 'sync-xero']),
    );
    const readers = s.ofType('google_secret_manager_secret_iam_member').map((g) => [s.resolveReference(g.values.secret_id)?.values.secret_id, g.values.member]);
    const sa = (id: string) => `serviceAccount:${id}@${tenant.projectId}.iam.gserviceaccount.com`;
    expect(readers.sort()).toEqual(
      [
        ['conversion-google-ads', sa('conversion-relay')],
        ['conversion-meta', sa('conversion-relay')],
        ['integration-mailchimp', sa('sync-mailchimp')],
        ['integration-xero', sa('sync-xero')],
        ['source-revsport', sa('ingest-webhook')],
        ['source-roller', sa('ingest-webhook')],
      ].sort(),
    );
  });

  it('passes the DPA rule pack', () => {
    expect(dpaViolations(s, env)).toEqual([]);
  });

  it('a tenant whose only public service waits reserves the edge address and nothing more of the load balancer', () => {
    const lisboa = example('lisboa-parque');
    expect(lisboa.tenant.populatedSecrets).toEqual([]);
    expect(workloadsOf(lisboa.synth)).toEqual([]);
    expect(lisboa.synth.ofType('google_compute_global_address')).toHaveLength(1);
    for (const type of [
      'google_compute_managed_ssl_certificate',
      'google_compute_url_map',
      'google_compute_target_https_proxy',
      'google_compute_global_forwarding_rule',
      'google_compute_backend_service',
    ]) {
      expect(lisboa.synth.ofType(type)).toEqual([]);
    }
    expect(Object.keys(lisboa.synth.json.output ?? {})).toContain('edge_ip_address');
    expect(dpaViolations(lisboa.synth, environmentWith(lisboa.tenant))).toEqual([]);
  });
});

describe('once the secrets are recorded, the workloads appear', () => {
  it('with every secret recorded, every workload the config implies is declared, mounting its secrets', () => {
    const tenant = makeTenant({ ...EVERYTHING, populatedSecrets: undefined });
    expect(tenant.populatedSecrets).toEqual(tenantSecretIds(tenant));
    const { synth: s, env } = synth(tenant);
    expect(workloadsOf(s).map(runsAs).sort()).toEqual(tenantWorkloads(tenant).map((w) => `${w.accountId}@${tenant.projectId}.iam.gserviceaccount.com`).sort());
    expect(workloadsOf(s).flatMap((w) => mountedSecretsOf(s, w)).map((r) => String(r.values.secret_id)).sort()).toEqual(tenantSecretIds(tenant));
    expect(s.ofType('google_pubsub_subscription').filter((r) => r.values.push_config !== undefined)).toHaveLength(3);
    expect(s.ofType('google_compute_global_forwarding_rule')).toHaveLength(1);
    expect(dpaViolations(s, env)).toEqual([]);
    // Recording the secrets only adds: every resource of the waiting stack keeps its address.
    const waiting = synth(makeTenant({ ...EVERYTHING, populatedSecrets: [] })).synth;
    const now = new Set(s.resources.map((r) => r.address));
    expect(waiting.resources.map((r) => r.address).filter((a) => !now.has(a))).toEqual([]);
  });

  it('the ingest serves the sources whose secret is recorded, the relay the destinations whose credentials are', () => {
    const tenant = makeTenant({ ...EVERYTHING, populatedSecrets: ['source-roller', 'conversion-meta', 'integration-xero'] });
    const { synth: s, env } = synth(tenant);
    expect(workloadsOf(s).map((w) => String(w.values.name)).sort()).toEqual(['conversion-relay', 'conversion-state-purge', 'ingest-webhook', 'mcp-endpoint', 'sync-xero']);
    const mounts = (name: string) => mountedSecretsOf(s, workloadsOf(s).find((w) => w.values.name === name)!).map((r) => String(r.values.secret_id));
    expect(mounts('ingest-webhook')).toEqual(['source-roller']);
    expect(mounts('conversion-relay')).toEqual(['conversion-meta']);
    expect(envOf(workloadsOf(s).find((w) => w.values.name === 'ingest-webhook')!).SOURCES.value).toBe('roller');
    expect(envOf(workloadsOf(s).find((w) => w.values.name === 'conversion-relay')!).DESTINATIONS.value).toBe('meta');
    // One route (meta) and the withdrawal channel.
    expect(s.ofType('google_pubsub_subscription').filter((r) => r.values.push_config !== undefined)).toHaveLength(2);
    expect(dpaViolations(s, env)).toEqual([]);
  });

  it('a new source or destination of a running workload never takes the workload away: it joins once its secret is recorded', () => {
    const before = makeTenant({ id: 'growing', sources: ['roller'], conversionTracking: { enabled: true, destinations: ['meta'] } });
    const grown = makeTenant({
      id: 'growing',
      sources: ['roller', 'revsport'],
      conversionTracking: { enabled: true, destinations: ['meta', 'google-ads'], googleDeniedConsent: 'drop' },
      populatedSecrets: before.populatedSecrets,
    });
    const a = synth(before).synth;
    const b = synth(grown);
    const addresses = new Set(b.synth.resources.map((r) => r.address));
    expect(a.resources.map((r) => r.address).filter((x) => !addresses.has(x))).toEqual([]);
    expect(b.synth.ofType('google_secret_manager_secret').map((r) => r.values.secret_id).sort()).toEqual(['conversion-google-ads', 'conversion-meta', 'source-revsport', 'source-roller']);
    expect(dpaViolations(b.synth, b.env)).toEqual([]);
  });
});

describe('the DPA rules still expect the workloads whose secrets are recorded', () => {
  // The stack of a tenant without recorded secrets, judged against a config that says they are recorded.
  const judge = (overrides: Partial<TenantInput>) => {
    const waiting = makeTenant({ id: 'rule-test', populatedSecrets: [], ...overrides });
    const recorded = { ...waiting, populatedSecrets: tenantSecretIds(waiting) };
    const stack = synthesizeStack(new TenantStack(Testing.app(), { environment: environmentWith(waiting), tenant: waiting }));
    const judgedAs = (t: ResolvedTenant) => evaluateStack(contextFor(stack, [environmentWith(t)]), RULES).violations.map(formatViolation);
    return { asBuilt: judgedAs(waiting), asRecorded: judgedAs(recorded) };
  };
  const plain = judge({ sources: ['roller'], integrations: ['mailchimp'] });
  const converting = judge({ sources: ['roller'], conversionTracking: { enabled: true, destinations: ['meta'] } });

  it('accepts each stack for the config it was built from', () => {
    expect(plain.asBuilt).toEqual([]);
    expect(converting.asBuilt).toEqual([]);
  });

  it.each([
    ['ISO-2', plain],
    ['IAM-2', plain],
    ['NET-1', plain],
    ['ENC-1', plain],
    ['RET-2', converting],
  ] as const)('%s rejects it when the config records the secrets but the workloads are missing', (rule, judged) => {
    const violations = judged.asRecorded.filter((v) => v.includes(rule));
    expect(violations.length).toBeGreaterThan(0);
    for (const v of violations) expect(v).toContain('[tenant-fixture-rule-test]');
  });
});

describe('a retiring feature keeps its resources with delete protection lifted', () => {
  const protectionOf = (s: SynthesizedStack, type: string, pick: (values: Record<string, unknown>) => boolean) =>
    s.ofType(type).filter((r) => pick(r.values)).map((r) => r.values.deletion_protection ?? r.values.delete_protection_state);

  it('conversion-tracking: the relay service, the purge job, its secrets and the Firestore database', () => {
    const base = makeTenant({ ...EVERYTHING });
    const { synth: before } = synth(base);
    const { synth: after, env } = synth(makeTenant({ ...EVERYTHING, retiringFeatures: ['conversion-tracking'] }));
    expect(protectionOf(before, 'google_cloud_run_v2_service', (v) => v.name === 'conversion-relay')).toEqual([true]);
    expect(protectionOf(after, 'google_cloud_run_v2_service', (v) => v.name === 'conversion-relay')).toEqual([false]);
    expect(protectionOf(after, 'google_cloud_run_v2_job', (v) => v.name === 'conversion-state-purge')).toEqual([false]);
    expect(protectionOf(after, 'google_secret_manager_secret', (v) => String(v.secret_id).startsWith('conversion-'))).toEqual([false, false]);
    expect(protectionOf(after, 'google_firestore_database', () => true)).toEqual(['DELETE_PROTECTION_DISABLED']);
    // Everything else keeps its protection.
    expect(protectionOf(after, 'google_cloud_run_v2_service', (v) => v.name !== 'conversion-relay')).toEqual([true, true]);
    expect(protectionOf(after, 'google_secret_manager_secret', (v) => !String(v.secret_id).startsWith('conversion-'))).toEqual([true, true, true, true]);
    expect(protectionOf(after, 'google_bigquery_table', () => true)).toEqual([true]);
    // Same resources, same addresses: retiring removes nothing.
    expect(after.resources.map((r) => r.address).sort()).toEqual(before.resources.map((r) => r.address).sort());
    expect(dpaViolations(after, env)).toEqual([]);
  });

  it('mcp and an integration: only their own service, job and secret', () => {
    const { synth: s } = synth(makeTenant({ ...EVERYTHING, retiringFeatures: ['mcp', 'integration:xero'] }));
    expect(protectionOf(s, 'google_cloud_run_v2_service', (v) => v.name === 'mcp-endpoint')).toEqual([false]);
    expect(protectionOf(s, 'google_cloud_run_v2_job', (v) => v.name === 'sync-xero')).toEqual([false]);
    expect(protectionOf(s, 'google_cloud_run_v2_job', (v) => v.name === 'sync-mailchimp')).toEqual([true]);
    expect(protectionOf(s, 'google_secret_manager_secret', (v) => v.secret_id === 'integration-xero')).toEqual([false]);
    expect(protectionOf(s, 'google_secret_manager_secret', (v) => v.secret_id === 'integration-mailchimp')).toEqual([true]);
  });

  it('a source: its secret; the ingest and its landing table only with the last source', () => {
    const one = synth(makeTenant({ ...EVERYTHING, retiringFeatures: ['source:revsport'] })).synth;
    expect(protectionOf(one, 'google_secret_manager_secret', (v) => v.secret_id === 'source-revsport')).toEqual([false]);
    expect(protectionOf(one, 'google_secret_manager_secret', (v) => v.secret_id === 'source-roller')).toEqual([true]);
    expect(protectionOf(one, 'google_cloud_run_v2_service', (v) => v.name === 'ingest-webhook')).toEqual([true]);
    expect(protectionOf(one, 'google_bigquery_table', () => true)).toEqual([true]);

    const last = synth(makeTenant({ id: 'last-source', sources: ['revsport'], retiringFeatures: ['source:revsport'] })).synth;
    expect(protectionOf(last, 'google_cloud_run_v2_service', (v) => v.name === 'ingest-webhook')).toEqual([false]);
    expect(protectionOf(last, 'google_bigquery_table', () => true)).toEqual([false]);
    // The warehouse itself stays protected: it outlives every feature.
    expect(last.ofType('google_bigquery_dataset').map((d) => (d.values.lifecycle as { prevent_destroy?: boolean } | undefined)?.prevent_destroy)).toEqual([true]);
  });

  it('offboarding still lifts everything, retiring or not', () => {
    const s = synth(makeTenant({ ...EVERYTHING, lifecycle: { state: 'offboarding', offboarding: { requested: '2025-01-10', removalConfirmed: false } } })).synth;
    expect(s.ofType('google_cloud_run_v2_service', 'google_cloud_run_v2_job', 'google_secret_manager_secret').map((r) => r.values.deletion_protection)).not.toContain(true);
  });
});
