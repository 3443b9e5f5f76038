/**
 * Each optional feature leaves nothing behind when it is off; a customer-owned project gets the same
 * data plane without project-wide changes (HAND-2); output is deterministic.
 */
import { Testing } from 'cdktf';
import { SynthesizedStack, type SynthesizedResource } from '../../compliance/synthesized-stack';
import { TenantStack } from '../../stacks/tenant-stack';
import { fixtureEnvironment, makeTenant } from '../support/synth';
import { allStrings, buildTenant, dataPlane, example, iamGrants, isPlatformImagePull } from './support';

const EVERYTHING_ON = {
  sources: ['roller', 'revsport'] as Array<'roller' | 'revsport'>,
  integrations: ['mailchimp', 'vendus'] as Array<'mailchimp' | 'vendus'>,
  conversionTracking: { enabled: true, destinations: ['meta', 'google-ads'] as Array<'meta' | 'google-ads'>, googleDeniedConsent: 'modeled' as const },
  mcp: { enabled: true },
};

function names(rs: SynthesizedResource[], attr = 'name'): string[] {
  return rs.map((r) => String(r.values[attr])).sort();
}

/** Everything the data plane builds, as `type name`, to compare tenants feature by feature. */
function inventory(b: ReturnType<typeof buildTenant>): Set<string> {
  // The certificate's name hashes the tenant's hostname, so it is compared by type alone.
  const key = (r: SynthesizedResource) =>
    r.type === 'google_compute_managed_ssl_certificate'
      ? r.type
      : `${r.type} ${String(r.values.name ?? r.values.secret_id ?? r.values.account_id ?? r.values.dataset_id ?? r.values.table_id ?? r.values.collection ?? '')}`;
  const out = new Set(dataPlane(b.synth).filter((r) => !r.type.endsWith('_iam_member')).map(key));
  for (const g of iamGrants(b.synth).filter((x) => x.resource.name.startsWith('data-plane_'))) out.add(`${g.resource.type} ${g.role} ${g.member}`);
  return out;
}

/**
 * Every string of the stack but the project's secret-access detector (BRE-1), whose filter names every
 * workload account id the catalogue knows, on purpose, whatever the tenant's features.
 */
const featureStrings = (s: Parameters<typeof allStrings>[0]) => allStrings(s).filter((x) => !x.includes('SecretManagerService.AccessSecretVersion'));

const full = buildTenant(makeTenant({ id: 'alpha', ...EVERYTHING_ON }));
const fullInventory = inventory(full);

describe('optional features: off means no resources, secrets or grants', () => {
  it('with everything on, every feature is present (the baseline the other cases remove from)', () => {
    expect(names(full.synth.ofType('google_cloud_run_v2_service'))).toEqual(['conversion-relay', 'ingest-webhook', 'mcp-endpoint']);
    expect(names(full.synth.ofType('google_cloud_run_v2_job'))).toEqual(['conversion-state-purge', 'sync-mailchimp', 'sync-vendus']);
    expect(names(full.synth.ofType('google_secret_manager_secret'), 'secret_id')).toEqual([
      'conversion-google-ads',
      'conversion-meta',
      'integration-mailchimp',
      'integration-vendus',
      'source-revsport',
      'source-roller',
    ]);
  });

  it('no conversion tracking: no conversion topics, state, relay, destination secrets, accounts or routes', () => {
    const b = buildTenant(makeTenant({ id: 'bravo', ...EVERYTHING_ON, conversionTracking: { enabled: false, destinations: [] } }));
    const strings = featureStrings(b.synth);
    expect(strings.filter((s) => /conversion|consent-withdrawals|sched-state-purge|\/consent|\/conversions/.test(s))).toEqual([]);
    expect(b.synth.ofType('google_firestore_database', 'google_firestore_field')).toEqual([]);
    const removed = [...fullInventory].filter((k) => !inventory(b).has(k.replace(/alpha/g, 'bravo')));
    // The Firestore key and its grant (ENC-2) go with the conversion state.
    expect(removed.filter((k) => !/conversion|consent|sched-state-purge|google_firestore|datastore|firestore/.test(k))).toEqual([]);
    // The ingest webhook no longer touches conversion events and has no conversion topic to publish to.
    const ingest = b.synth.ofType('google_cloud_run_v2_service').find((s) => s.values.name === 'ingest-webhook')!;
    expect(JSON.stringify(ingest.values)).not.toMatch(/CONVERSION|CONSENT/);
  });

  it('no MCP: no endpoint, account, read grant, job-user grant or /mcp route', () => {
    const b = buildTenant(makeTenant({ id: 'charlie', ...EVERYTHING_ON, mcp: { enabled: false } }));
    expect(featureStrings(b.synth).filter((s) => /mcp/.test(s))).toEqual([]);
    expect(iamGrants(b.synth).filter((g) => g.role === 'roles/bigquery.dataViewer').map((g) => g.member).sort()).toEqual(
      ['serviceAccount:sync-mailchimp@ssx-charlie.iam.gserviceaccount.com', 'serviceAccount:sync-vendus@ssx-charlie.iam.gserviceaccount.com'],
    );
    const removed = [...fullInventory].filter((k) => !inventory(b).has(k.replace(/alpha/g, 'charlie')));
    expect(removed.length).toBeGreaterThan(0);
    expect(removed.filter((k) => !/mcp/.test(k))).toEqual([]);
  });

  it('no integrations: no jobs, schedulers, secrets or sync accounts', () => {
    const b = buildTenant(makeTenant({ id: 'delta', ...EVERYTHING_ON, integrations: [] }));
    expect(featureStrings(b.synth).filter((s) => /sync-|integration-|sched-(?!state-purge)/.test(s))).toEqual([]);
    expect(names(b.synth.ofType('google_cloud_run_v2_job'))).toEqual(['conversion-state-purge']);
    expect(names(b.synth.ofType('google_cloud_scheduler_job'))).toEqual(['conversion-state-purge']);
    const removed = [...fullInventory].filter((k) => !inventory(b).has(k.replace(/alpha/g, 'delta')));
    expect(removed.filter((k) => !/sync-|integration-|sched-(mailchimp|vendus)/.test(k))).toEqual([]);
  });

  it('no sources (hence no conversion tracking): no ingest, source pipeline, landing table or webhook secrets', () => {
    const b = buildTenant(makeTenant({ id: 'echo', ...EVERYTHING_ON, sources: [], conversionTracking: { enabled: false, destinations: [] } }));
    expect(featureStrings(b.synth).filter((s) => /ingest|source-events|source_events|source-roller|source-revsport|\/sources/.test(s))).toEqual([]);
    expect(b.synth.ofType('google_bigquery_table')).toEqual([]);
    // The edge remains for the MCP endpoint alone.
    expect(b.synth.ofType('google_compute_region_network_endpoint_group')).toHaveLength(1);
  });

  it('everything off: the warehouse and the dbt account only, no edge, no secrets, no rotation topic', () => {
    const b = buildTenant(makeTenant({ id: 'foxtrot', sources: [], integrations: [], conversionTracking: { enabled: false, destinations: [] }, mcp: { enabled: false } }));
    const types = [...new Set(dataPlane(b.synth).map((r) => r.type))].sort();
    // The warehouse's key, its key ring and BigQuery's grant on it stay (ENC-2).
    expect(types).toEqual([
      'google_bigquery_dataset',
      'google_bigquery_dataset_iam_member',
      'google_kms_crypto_key',
      'google_kms_crypto_key_iam_member',
      'google_kms_key_ring',
      'google_project_iam_member',
      'google_service_account',
    ]);
    expect(names(b.synth.ofType('google_service_account'), 'account_id')).toEqual(['dbt-transform']);
    expect(b.synth.ofType('google_kms_crypto_key').map((k) => k.values.name)).toEqual(['warehouse']);
    // The one data source asks BigQuery for its encryption account, so it exists before the grant.
    expect(Object.keys(b.synth.json.data ?? {})).toEqual(['google_bigquery_default_service_account']);
    expect(b.synth.json.output ?? {}).toEqual({});
  });
});

describe('HAND-2: a customer-owned project gets only the resources and grants the config names', () => {
  const nordic = example('nordic-climb');

  it('creates no project, enables no API and changes nothing project-wide', () => {
    expect(nordic.synth.ofType('google_project', 'google_project_service', 'google_project_default_service_accounts')).toEqual([]);
    // Service agents are addressed through the project number, read (never managed) from a data source.
    // (Every attribute but cdktf's metadata.)
    expect(Object.values(nordic.synth.json.data?.google_project ?? {}).map(({ ['//']: _metadata, ...values }) => values)).toEqual([{ project_id: 'nordic-climb-dwh' }]);
  });

  it('puts the dataset and every data-plane resource in the customer project', () => {
    for (const r of dataPlane(nordic.synth).filter((x) => !isPlatformImagePull(x, nordic.synth))) {
      if (r.values.project !== undefined) expect(r.values.project).toBe('nordic-climb-dwh');
    }
    expect(nordic.synth.ofType('google_bigquery_dataset').map((d) => d.values.project)).toEqual(['nordic-climb-dwh']);
  });
});

describe('every API a construct uses is enabled and depended on in a project we own', () => {
  const b = example('brightwave-leisure');
  it('depends on the API of its service', () => {
    const apiOf: Record<string, string> = {
      google_pubsub_topic: 'pubsub.googleapis.com',
      google_secret_manager_secret: 'secretmanager.googleapis.com',
      google_bigquery_dataset: 'bigquery.googleapis.com',
      google_cloud_run_v2_service: 'run.googleapis.com',
      google_cloud_run_v2_job: 'run.googleapis.com',
      google_cloud_scheduler_job: 'cloudscheduler.googleapis.com',
      google_firestore_database: 'firestore.googleapis.com',
      google_compute_security_policy: 'compute.googleapis.com',
      google_service_account: 'iam.googleapis.com',
    };
    const services = new Map(b.synth.ofType('google_project_service').map((s) => [`google_project_service.${s.name}`, String(s.values.service)]));
    for (const [type, api] of Object.entries(apiOf)) {
      const rs = dataPlane(b.synth, type);
      expect([type, rs.length > 0]).toEqual([type, true]);
      for (const r of rs) {
        const apis = ((r.values.depends_on as string[] | undefined) ?? []).map((d) => services.get(d)).filter(Boolean);
        expect([r.address, apis]).toEqual([r.address, expect.arrayContaining([api])]);
      }
    }
  });
});

describe('deterministic output', () => {
  it('synthesizes byte-identical JSON from the same config', () => {
    const tenant = fixtureEnvironment().tenants.find((t) => t.id === 'brightwave-leisure')!;
    const once = () => Testing.synth(new TenantStack(Testing.app(), { environment: fixtureEnvironment(), tenant }));
    const first = once();
    expect(once()).toBe(first);
    expect(SynthesizedStack.parse('x', first).resources.length).toBeGreaterThan(50);
  });
});
