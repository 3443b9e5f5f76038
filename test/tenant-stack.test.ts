/**
 * TenantStack baseline, asserted on the synthesized JSON Terraform will see, one describe per
 * control this stack implements. What each fixture stack holds in full is in test/inventories/.
 */
import { JURISDICTION_RULES, isLocationAllowed } from '../config/jurisdictions';
import type { SynthesizedStack } from '../compliance/synthesized-stack';
import { FIXTURE_ENV, fixtureEnvironment, fixtureTenantStackName, fixtureTenantStacks, makeTenant, synthTenant } from './support/synth';
import { labelAttribute } from '../compliance/labelable';
import { isPlatformImagePull } from './data-plane/support';

const stacks = fixtureTenantStacks();
const env = fixtureEnvironment();
const tenantOf = (stackName: string) => env.tenants.find((t) => fixtureTenantStackName(t.id) === stackName)!;
const ownedStacks = [...stacks.entries()].filter(([name]) => tenantOf(name).warehouse.mode !== 'customer' || (tenantOf(name).warehouse as { provisionedBy: string }).provisionedBy === 'smart-segments');
const customerProjectStack = stacks.get('tenant-fixture-nordic-climb')!;

describe('stack layout', () => {
  it('has one stack per fixture tenant, named tenant-<env>-<tenant>', () => {
    expect([...stacks.keys()].sort()).toEqual(env.tenants.map((t) => `tenant-${FIXTURE_ENV}-${t.id}`).sort());
  });

  it.each([...stacks.keys()])('%s has its own GCS backend prefix', (name) => {
    const backend = (stacks.get(name)!.json.terraform as any).backend.gcs;
    expect(backend).toEqual({ bucket: 'ssx-fixture-tfstate', prefix: `stacks/${name}` });
  });
});

describe('ISO-1: one project per tenant', () => {
  it.each(ownedStacks.map(([n]) => n))('%s creates exactly its own project, protected while active', (name) => {
    const projects = stacks.get(name)!.ofType('google_project');
    expect(projects).toHaveLength(1);
    expect(projects[0].values).toMatchObject({
      project_id: tenantOf(name).projectId,
      folder_id: env.platform.tenantFolders[tenantOf(name).jurisdiction],
      deletion_policy: 'PREVENT',
      auto_create_network: false,
    });
  });

  it('a provisioned-for-takeover project is created like any other tenant project, with the id the config names', () => {
    const project = stacks.get('tenant-fixture-alpen-sport')!.ofType('google_project')[0];
    expect(project.values.project_id).toBe('alpensport-warehouse');
  });
});

describe('HAND-2: a customer-owned project is never created or owned', () => {
  it('creates no project and changes no project-wide setting of the customer project', () => {
    for (const type of [
      'google_project',
      'google_project_service',
      'google_project_default_service_accounts',
      'google_logging_project_bucket_config',
      'google_project_iam_audit_config',
      'google_essential_contacts_contact',
      'google_project_iam_policy',
      'google_project_iam_binding',
    ]) {
      expect(customerProjectStack.ofType(type)).toEqual([]);
    }
  });

  it('works inside the named customer project only', () => {
    const projects = new Set(
      customerProjectStack.resources
        // The project's own Cloud Run agent reading the platform's images is the one grant made elsewhere.
        .filter((r) => !isPlatformImagePull(r, customerProjectStack))
        .map((r) => r.values.project)
        .filter((p): p is string => typeof p === 'string'),
    );
    for (const p of projects) expect(p).toBe('nordic-climb-dwh');
  });
});

// A region outside the tenant's jurisdiction never reaches a stack: the loader refuses it (test/config.test.ts, RES-3 cases).
describe('RES-3: the tenant region is inside its jurisdiction', () => {

  it('the EEA table holds EU member-state regions only', () => {
    expect(isLocationAllowed('EEA', 'europe-west2')).toBe(false); // London
    expect(isLocationAllowed('EEA', 'europe-west6')).toBe(false); // Zurich
    expect(isLocationAllowed('EEA', 'us-central1')).toBe(false);
    expect(isLocationAllowed('EEA', 'EU')).toBe(true);
    expect(isLocationAllowed('EEA', 'eur3')).toBe(true);
    expect(isLocationAllowed('EEA', 'europe-west1-b')).toBe(true);
    expect(isLocationAllowed('UK', 'EU')).toBe(false);
    expect([...JURISDICTION_RULES.EEA.regions].sort()).toEqual(
      [
        'europe-central2',
        'europe-north1',
        'europe-north2',
        'europe-southwest1',
        'europe-west1',
        'europe-west10',
        'europe-west12',
        'europe-west3',
        'europe-west4',
        'europe-west8',
        'europe-west9',
      ].sort(),
    );
  });

  it('the provider of each stack defaults to the tenant region', () => {
    for (const [name, stack] of stacks) {
      expect((stack.json.provider as any).google[0].region).toBe(tenantOf(name).region);
    }
  });
});

describe('RES-4 and LOG-1: the _Default log bucket keeps 30 days in the jurisdiction', () => {
  it.each(ownedStacks.map(([n]) => n))('%s', (name) => {
    const buckets = stacks.get(name)!.ofType('google_logging_project_bucket_config').filter((b) => b.values.bucket_id === '_Default');
    expect(buckets).toHaveLength(1);
    const tenant = tenantOf(name);
    expect(buckets[0].values).toMatchObject({
      project: tenant.projectId,
      retention_days: 30,
      location: JURISDICTION_RULES[tenant.jurisdiction].logLocation,
    });
    expect(isLocationAllowed(tenant.jurisdiction, buckets[0].values.location as string)).toBe(true);
  });

  it('a log retention outside 1-3650 days is refused at construction', () => {
    const { Testing } = require('cdktf');
    const { TerraformStack } = require('cdktf');
    const { TenantProject } = require('../constructs/tenant-project');
    const { LogRetention } = require('../constructs/log-retention');
    const stack = new TerraformStack(Testing.app(), 'x');
    const project = new TenantProject(stack, 'p', { projectId: 'ssx-abcdef', ownership: 'customer' });
    expect(() => new LogRetention(stack, 'l', { project, jurisdiction: 'EEA', retentionDays: 0 })).toThrow(/retentionDays must be an integer from 1 to 3650/);
  });
});

describe('LOG-2: Data Access audit logs for the services holding Customer Data', () => {
  it.each(ownedStacks.map(([n]) => n))('%s', (name) => {
    const configs = stacks.get(name)!.ofType('google_project_iam_audit_config');
    expect(configs.map((c) => c.values.service).sort()).toEqual(
      ['bigquery.googleapis.com', 'datastore.googleapis.com', 'pubsub.googleapis.com', 'secretmanager.googleapis.com', 'storage.googleapis.com'],
    );
    for (const c of configs) {
      expect((c.values.audit_log_config as Array<{ log_type: string }>).map((l) => l.log_type).sort()).toEqual([
        'ADMIN_READ',
        'DATA_READ',
        'DATA_WRITE',
      ]);
    }
  });
});

describe('IAM-4: default service accounts are deprivileged', () => {
  it.each(ownedStacks.map(([n]) => n))('%s', (name) => {
    const stack = stacks.get(name)!;
    const d = stack.ofType('google_project_default_service_accounts');
    expect(d).toHaveLength(1);
    expect(d[0].values).toMatchObject({ action: 'DEPRIVILEGE', project: tenantOf(name).projectId });
  });
});

describe('BRE-1: essential contacts for security and legal notices', () => {
  it.each(ownedStacks.map(([n]) => n))('%s', (name) => {
    const tenant = tenantOf(name);
    const contacts = stacks.get(name)!.ofType('google_essential_contacts_contact');
    const byEmail = new Map(contacts.map((c) => [c.values.email, c.values.notification_category_subscriptions as string[]]));
    expect(byEmail.get(tenant.contacts.security)).toEqual(expect.arrayContaining(['SECURITY']));
    expect(byEmail.get(tenant.contacts.privacy ?? tenant.contacts.security)).toEqual(expect.arrayContaining(['LEGAL']));
    expect(byEmail.get(env.platform.contacts.security)).toEqual(expect.arrayContaining(['SECURITY']));
  });
});

describe('ISO-3: every labelable resource carries tenant, environment and data-residency', () => {
  const check = (name: string, stack: SynthesizedStack) => {
    const tenant = tenantOf(name);
    const labelable = new Map(
      [...new Set(stack.resources.map((r) => r.type))].flatMap((t) => {
        const attribute = labelAttribute(t);
        return attribute ? [[t, attribute] as const] : [];
      }),
    );
    const expected = {
      tenant: tenant.id,
      environment: 'fixture',
      'data-residency': JURISDICTION_RULES[tenant.jurisdiction].residencyLabel,
    };
    const checked = stack.resources.filter((r) => labelable.has(r.type));
    for (const r of checked) {
      const labels = (r.values[labelable.get(r.type)!] ?? {}) as Record<string, string>;
      expect({ address: r.address, labels }).toEqual({ address: r.address, labels: expect.objectContaining(expected) });
    }
    return checked.length;
  };

  it.each([...stacks.keys()])('%s', (name) => {
    // Every fixture stack, a customer's project included, has labelable resources to check.
    expect(check(name, stacks.get(name)!)).toBeGreaterThan(0);
  });

  it('labels a resource that sets labels of its own without losing them', () => {
    const stack = synthTenant(makeTenant({ id: 'label-probe' }));
    const project = stack.ofType('google_project')[0];
    expect(project.values.labels).toEqual({
      tenant: 'label-probe',
      environment: 'fixture',
      'data-residency': 'eu',
      'llm-support': 'allowed',
    });
  });
});

describe('LLM-1: the LLM-support restriction is on the project', () => {
  it.each(ownedStacks.map(([n]) => n))('%s', (name) => {
    const project = stacks.get(name)!.ofType('google_project')[0];
    expect((project.values.labels as Record<string, string>)['llm-support']).toBe(tenantOf(name).llmSupport);
  });
});

describe('lifecycle: offboarding lifts project protection, handed-over abandons', () => {
  it('offboarding sets deletion_policy DELETE', () => {
    const stack = synthTenant(makeTenant({ id: 'leaving', lifecycle: { state: 'offboarding', offboarding: { requested: '2026-11-01' } } }));
    expect(stack.ofType('google_project')[0].values.deletion_policy).toBe('DELETE');
  });
});
