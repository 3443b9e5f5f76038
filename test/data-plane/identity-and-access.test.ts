/**
 * Who may do what in a tenant's data plane: ISO-2, IAM-1, IAM-2, IAM-6, SUB-1, and the role dataset
 * checks (every role exists; no conversion workload can snapshot a subscription).
 */
import { waitingWorkloads } from '../../config/workload-secrets';
import { Testing, TerraformStack } from 'cdktf';
import {
  FORBIDDEN_FOR_CONVERSION_WORKLOADS,
  isBasicRole,
  roleExists,
  roleGrantsPermission,
} from '../../policy/iam-roles';
import { WORKLOAD_ACCOUNT_IDS, integrationAccountId, serviceAccountEmail } from '../../config/naming';
import { assertGrantable } from '../../constructs/grant-policy';
import { PROJECT_LEVEL_ONLY_ROLES } from '../../policy/iam-roles';
import { TenantProject } from '../../constructs/tenant-project';
import { WorkloadIdentity } from '../../constructs/workload-identity';
import { fixtureEnvironment } from '../support/synth';
import { allStrings, dataPlane, exampleTenants, iamGrants, isDeployerImageRead, isPlatformImagePull, labels, referenced, runsAs, type BuiltTenant } from './support';

// Tenants whose workloads all run; lisboa-parque's wait for their secrets (test/data-plane/workload-secrets.test.ts).
const built = exampleTenants().filter((b) => waitingWorkloads(b.tenant).length === 0);
const env = fixtureEnvironment();

function customerProject(): TenantProject {
  const stack = new TerraformStack(Testing.app(), 'unit');
  return new TenantProject(stack, 'project', { projectId: 'unit-test-project', ownership: 'customer' });
}

/** Accounts of workloads that touch conversion events in this tenant. */
function conversionAccounts(b: BuiltTenant): string[] {
  if (!b.tenant.conversionTracking.enabled) return [];
  return [
    WORKLOAD_ACCOUNT_IDS.ingestWebhook,
    WORKLOAD_ACCOUNT_IDS.conversionRelay,
    WORKLOAD_ACCOUNT_IDS.conversionPush,
    WORKLOAD_ACCOUNT_IDS.conversionStatePurge,
    WORKLOAD_ACCOUNT_IDS.conversionStatePurgeScheduler,
  ].map((id) => `serviceAccount:${serviceAccountEmail(b.tenant.projectId, id)}`);
}

describe('ISO-2: tenant workloads run as their own accounts, with grants on their own resources only', () => {
  it.each(built.map((b) => [b.tenant.id, b] as const))('%s names no other tenant project and no foreign service account', (_id, b) => {
    const others = env.tenants.filter((t) => t.projectId !== b.tenant.projectId).map((t) => t.projectId);
    const strings = allStrings(b.synth);
    for (const other of others) {
      const pattern = new RegExp(`(^|[^a-z0-9-])${other}([^a-z0-9-]|$)`);
      expect(strings.filter((s) => pattern.test(s))).toEqual([]);
    }
    // Every user-managed service account mentioned is one of this tenant's project, but for the apply
    // deployer's read of a customer project's own image copy.
    const deployerRead = b.synth.resources.filter((r) => isDeployerImageRead(r, b.tenant));
    expect(deployerRead).toHaveLength(b.stack.project.isOwnedBySmartSegments ? 0 : 1);
    // The removal of the creator's owner role names the tenant deployer too: it takes access away (IAM-1).
    const ownerRemovals = b.synth.ofType('google_project_iam_member_remove').filter((r) => r.values.role === 'roles/owner');
    expect(ownerRemovals).toHaveLength(b.stack.project.isOwnedBySmartSegments ? 1 : 0);
    const accountProjects = new Set<string>();
    for (const s of allStrings(b.synth).filter((x) => !deployerRead.some((r) => r.values.member === x) && !ownerRemovals.some((r) => r.values.member === x))) {
      for (const m of s.matchAll(/[a-z0-9-]+@([a-z][a-z0-9-]+)\.iam\.gserviceaccount\.com/g)) {
        if (!m[1].startsWith('gcp-sa-')) accountProjects.add(m[1]);
      }
    }
    expect([...accountProjects]).toEqual([b.tenant.projectId]);
  });

  it.each(built.map((b) => [b.tenant.id, b] as const))('%s grants only on resources in its own project', (_id, b) => {
    for (const g of iamGrants(b.synth).filter((x) => !isPlatformImagePull(x.resource, b.synth))) {
      const project = g.resource.values.project;
      if (project !== undefined) expect(project).toBe(b.tenant.projectId);
      // Grants that name their target by reference point at a resource of this stack, which lives in the tenant project.
      for (const key of ['topic', 'subscription', 'dataset_id', 'table_id', 'name', 'service_account_id']) {
        const target = referenced(b.synth, g.resource.values[key]);
        if (target && target.values.project !== undefined) expect(target.values.project).toBe(b.tenant.projectId);
      }
    }
    for (const r of dataPlane(b.synth).filter((x) => !isPlatformImagePull(x, b.synth))) {
      if (r.values.project !== undefined) expect(r.values.project).toBe(b.tenant.projectId);
    }
  });

  it.each(built.map((b) => [b.tenant.id, b] as const))(
    "%s reaches outside its project only for its own Cloud Run agent to read the platform's images, and not at all in the customer's own project",
    (_id, b) => {
      const outside = b.synth.resources.filter((r) => typeof r.values.project === 'string' && r.values.project !== b.tenant.projectId);
      expect(outside.map((r) => r.address)).toEqual(b.synth.resources.filter((r) => isPlatformImagePull(r, b.synth)).map((r) => r.address));
      if (!b.stack.project.isOwnedBySmartSegments) {
        // The customer's own project pulls from its own copy of the images (config/relay-images.ts).
        expect(outside).toEqual([]);
        return;
      }
      expect(outside).toHaveLength(1);
      // The agent is this tenant's own: created in its project.
      const identity = referenced(b.synth, String(outside[0].values.member));
      expect(identity?.type).toBe('google_project_service_identity');
      expect(identity?.values).toMatchObject({ project: b.tenant.projectId, service: 'run.googleapis.com' });
    },
  );

  it.each(built.map((b) => [b.tenant.id, b] as const))('%s runs every Cloud Run workload as a service account of its own project', (_id, b) => {
    const workloads = b.synth.ofType('google_cloud_run_v2_service', 'google_cloud_run_v2_job');
    expect(workloads.length).toBeGreaterThan(0);
    for (const w of workloads) {
      expect(runsAs(w)).toMatch(new RegExp(`^[a-z0-9-]+@${b.tenant.projectId}\\.iam\\.gserviceaccount\\.com$`));
    }
  });
});

describe('IAM-1: no basic roles', () => {
  it.each(built.map((b) => [b.tenant.id, b] as const))('%s grants no basic role in its data plane', (_id, b) => {
    const basic = iamGrants(b.synth).filter((g) => isBasicRole(g.role));
    // The only basic-role grant IAM-1 allows is the customer's own group during a handover.
    const allowed = b.tenant.lifecycle.handover ? `group:${b.tenant.lifecycle.handover.customerOwnerGroup}` : undefined;
    expect(basic.filter((g) => g.member !== allowed)).toEqual([]);
    expect(basic.filter((g) => g.resource.name.startsWith('data-plane_'))).toEqual([]);
  });

  it('a grant method refuses a basic role, naming the control', () => {
    const grantee = { member: 'serviceAccount:x@unit-test-project.iam.gserviceaccount.com' };
    expect(() => assertGrantable({ role: 'roles/editor', grantee, resource: 'google_pubsub_topic t' })).toThrow(/IAM-1/);
    expect(() => assertGrantable({ role: 'roles/pubsub.publisherz', grantee, resource: 'google_pubsub_topic t' })).toThrow(/not a predefined/);
    expect(() => assertGrantable({ role: 'roles/pubsub.publisher', grantee: { member: 'user:a@b.example' }, resource: 'google_pubsub_topic t' })).toThrow(/IAM-5/);
  });
});

describe('IAM-2: one account per workload, roles on the resource', () => {
  it.each(built.map((b) => [b.tenant.id, b] as const))('%s gives every Cloud Run workload a distinct account it creates', (_id, b) => {
    const accounts = b.synth.ofType('google_cloud_run_v2_service', 'google_cloud_run_v2_job').map(runsAs);
    expect(new Set(accounts).size).toBe(accounts.length);
    const created = new Set(b.synth.ofType('google_service_account').map((r) => serviceAccountEmail(String(r.values.project), String(r.values.account_id))));
    for (const a of accounts) expect(created.has(a!)).toBe(true);
    // Scheduler identities run nothing themselves and are distinct from the jobs they start.
    const schedulers = b.synth.ofType('google_cloud_scheduler_job').map((r) => (r.values.http_target as { oauth_token: { service_account_email: string } }).oauth_token.service_account_email);
    expect(new Set([...schedulers, ...accounts]).size).toBe(schedulers.length + accounts.length);
  });

  it.each(built.map((b) => [b.tenant.id, b] as const))('%s binds project-level roles only where no resource-level form exists', (_id, b) => {
    const projectGrants = dataPlane(b.synth, 'google_project_iam_member');
    for (const g of projectGrants) {
      expect(Object.keys(PROJECT_LEVEL_ONLY_ROLES)).toContain(g.values.role);
      if (g.values.role === 'roles/datastore.user') {
        expect((g.values.condition as { expression: string }).expression).toBe(
          `resource.name == "projects/${b.tenant.projectId}/databases/conversion-state"`,
        );
      }
    }
    // Everything else is bound on a resource, never authoritatively.
    expect(b.synth.resources.filter((r) => /_iam_(binding|policy)$/.test(r.type))).toEqual([]);
  });

  it('grantProjectRole refuses a role that has a resource-level form, and a datastore grant without a condition', () => {
    const project = customerProject();
    const identity = new WorkloadIdentity(project, 'identity', { project, accountId: 'unit-workload', displayName: 'Unit' });
    expect(() => identity.grantProjectRole('roles/pubsub.publisher')).toThrow(/IAM-2.*grant method of the resource/);
    expect(() => identity.grantProjectRole('roles/datastore.user')).toThrow(/IAM condition/);
    expect(() => new WorkloadIdentity(project, 'again', { project, accountId: 'unit-workload', displayName: 'Again' })).toThrow(/own service account \(IAM-2\)/);
    expect(() => new WorkloadIdentity(project, 'bad', { project, accountId: 'Bad_Id', displayName: 'Bad' })).toThrow(/accountId/);
  });
});

/** What each workload account of a tenant may do, as `role on target`, from the config alone. */
function expectedGrants(b: BuiltTenant): Record<string, string[]> {
  const t = b.tenant;
  const out: Record<string, string[]> = {
    'dbt-transform': ['roles/bigquery.dataEditor on smart_segments', 'roles/bigquery.jobUser on project'],
  };
  if (t.sources.length) {
    out['ingest-webhook'] = [
      'roles/pubsub.publisher on source-events',
      ...t.sources.map((s) => `roles/secretmanager.secretAccessor on source-${s}`),
      ...(t.conversionTracking.enabled ? ['roles/pubsub.publisher on conversion-events', 'roles/pubsub.publisher on consent-withdrawals'] : []),
    ];
  }
  if (t.conversionTracking.enabled) {
    out['conversion-relay'] = ['roles/datastore.user on project', ...t.conversionTracking.destinations.map((d) => `roles/secretmanager.secretAccessor on conversion-${d}`)];
    out['conversion-push'] = ['roles/run.invoker on conversion-relay'];
    out['conversion-purge'] = ['roles/datastore.user on project'];
    out['sched-state-purge'] = ['roles/run.invoker on conversion-state-purge'];
  }
  if (t.mcp.enabled) out['mcp-endpoint'] = ['roles/bigquery.dataViewer on smart_segments', 'roles/bigquery.jobUser on project'];
  for (const i of t.integrations) {
    const account = integrationAccountId(i);
    out[account] = ['roles/bigquery.dataViewer on smart_segments', 'roles/bigquery.jobUser on project', `roles/secretmanager.secretAccessor on integration-${i}`];
    out[account.replace(/^sync-/, 'sched-')] = [`roles/run.invoker on sync-${i}`];
  }
  for (const k of Object.keys(out)) out[k].sort();
  return out;
}

/** What each of the tenant's own accounts holds in the synthesized stack. */
function actualGrants(b: BuiltTenant): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const own = new RegExp(`^serviceAccount:([a-z0-9-]+)@${b.tenant.projectId}\\.iam\\.gserviceaccount\\.com$`);
  for (const g of iamGrants(b.synth)) {
    const m = own.exec(g.member);
    if (!m) continue;
    let target = 'project';
    if (g.targetType !== 'google_project') {
      const key = ['secret_id', 'topic', 'subscription', 'dataset_id', 'name'].find((k) => g.resource.values[k] !== undefined)!;
      const r = referenced(b.synth, g.resource.values[key]);
      target = String(r?.values.secret_id ?? r?.values.dataset_id ?? r?.values.name ?? g.resource.values[key]);
    }
    (out[m[1]] ??= []).push(`${g.role} on ${target}`);
  }
  for (const k of Object.keys(out)) out[k].sort();
  return out;
}

describe('IAM-2 and ISO-2: every workload account holds exactly the grants its job needs', () => {
  it.each(built.map((b) => [b.tenant.id, b] as const))('%s', (_id, b) => {
    expect(actualGrants(b)).toEqual(expectedGrants(b));
    // Every account the stack creates is one of these workloads.
    expect(b.synth.ofType('google_service_account').map((r) => r.values.account_id).sort()).toEqual(Object.keys(expectedGrants(b)).sort());
  });
});

describe('IAM-6: no public principals', () => {
  it.each(built.map((b) => [b.tenant.id, b] as const))('%s names neither allUsers nor allAuthenticatedUsers', (_id, b) => {
    expect(allStrings(b.synth).filter((s) => /allUsers|allAuthenticatedUsers/.test(s))).toEqual([]);
  });

  it.each(built.map((b) => [b.tenant.id, b] as const))('%s disables the invoker check only on load-balancer-only webhooks', (_id, b) => {
    const negServices = new Set(b.synth.ofType('google_compute_region_network_endpoint_group').map((n) => referenced(b.synth, (n.values.cloud_run as { service: string }).service)?.values.name));
    for (const s of b.synth.ofType('google_cloud_run_v2_service')) {
      if (s.values.invoker_iam_disabled === true) {
        expect(s.values.name).toBe('ingest-webhook');
        expect(s.values.ingress).toBe('INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER');
        expect(negServices.has(s.values.name)).toBe(true);
      }
    }
  });

  it('a grant method refuses a public member, pointing to the load-balancer way', () => {
    expect(() => assertGrantable({ role: 'roles/run.invoker', grantee: { member: 'allUsers' }, resource: 'google_cloud_run_v2_service s' })).toThrow(
      /IAM-6.*invokerIamDisabled/,
    );
  });
});

describe('every role exists and no conversion workload can snapshot events (RET-1)', () => {
  it.each(built.map((b) => [b.tenant.id, b] as const))('%s uses only roles from the role dataset', (_id, b) => {
    for (const g of iamGrants(b.synth)) expect([g.role, roleExists(g.role)]).toEqual([g.role, true]);
  });

  it.each(built.map((b) => [b.tenant.id, b] as const))('%s gives no conversion workload or conversion store a snapshot-creating role', (_id, b) => {
    const accounts = new Set(conversionAccounts(b));
    const conversionStores = new Set(
      b.synth.resources.filter((r) => labels(r)['data-class'] === 'conversion-events').map((r) => r.name),
    );
    for (const g of iamGrants(b.synth)) {
      const target = ['topic', 'subscription'].map((k) => referenced(b.synth, g.resource.values[k])).find(Boolean);
      const touchesConversion = accounts.has(g.member) || (target !== undefined && conversionStores.has(target.name));
      if (!touchesConversion) continue;
      for (const p of FORBIDDEN_FOR_CONVERSION_WORKLOADS) expect([g.role, roleGrantsPermission(g.role, p)]).toEqual([g.role, false]);
    }
  });

  it('a grant method refuses a snapshot role to a conversion workload or on a conversion store', () => {
    const project = customerProject();
    const relay = new WorkloadIdentity(project, 'relay', { project, accountId: 'unit-relay', displayName: 'Relay', handlesConversionEvents: true });
    expect(() => assertGrantable({ role: 'roles/pubsub.editor', grantee: relay, resource: 'google_pubsub_subscription s' })).toThrow(/RET-1/);
    const other = { member: 'serviceAccount:other@unit-test-project.iam.gserviceaccount.com' };
    expect(() => assertGrantable({ role: 'roles/pubsub.editor', grantee: other, resource: 'google_pubsub_topic t', conversionEvents: true })).toThrow(
      /pubsub\.snapshots\.create.*RET-1/,
    );
    expect(() => assertGrantable({ role: 'roles/pubsub.subscriber', grantee: relay, resource: 'google_pubsub_subscription s', conversionEvents: true })).not.toThrow();
  });
});

describe('SUB-1: dbt Labs has a dedicated account limited to running jobs and editing the dataset', () => {
  it.each(built.map((b) => [b.tenant.id, b] as const))('%s grants the dbt account job user on the project and edit on the dataset, nothing else', (_id, b) => {
    const dbt = `serviceAccount:${serviceAccountEmail(b.tenant.projectId, WORKLOAD_ACCOUNT_IDS.dbt)}`;
    expect(b.synth.ofType('google_service_account').filter((r) => r.values.account_id === WORKLOAD_ACCOUNT_IDS.dbt)).toHaveLength(1);
    const grants = iamGrants(b.synth)
      .filter((g) => g.member === dbt)
      .map((g) => [g.targetType, g.role, g.targetType === 'google_bigquery_dataset' ? referenced(b.synth, g.resource.values.dataset_id)?.values.dataset_id : g.resource.values.project]);
    expect(grants.sort()).toEqual(
      [
        ['google_bigquery_dataset', 'roles/bigquery.dataEditor', 'smart_segments'],
        ['google_project', 'roles/bigquery.jobUser', b.tenant.projectId],
      ].sort(),
    );
    // dbt runs in dbt Labs' infrastructure, never as one of our workloads.
    expect(b.synth.ofType('google_cloud_run_v2_service', 'google_cloud_run_v2_job').map(runsAs)).not.toContain(dbt.replace('serviceAccount:', ''));
  });

  it.each(built.map((b) => [b.tenant.id, b] as const))('%s grants only to its own accounts, Google service agents and Smart Segments groups', (_id, b) => {
    const domain = env.platform.organization.domain;
    for (const g of iamGrants(b.synth).filter((x) => x.resource.name.startsWith('data-plane_'))) {
      const ok =
        isDeployerImageRead(g.resource, b.tenant) ||
        new RegExp(`^serviceAccount:[a-z0-9-]+@${b.tenant.projectId}\\.iam\\.gserviceaccount\\.com$`).test(g.member) ||
        /^serviceAccount:service-\$\{[^}]+\}@(gcp-sa-(pubsub|secretmanager|firestore)|serverless-robot-prod)\.iam\.gserviceaccount\.com$/.test(g.member) ||
        // BigQuery's encryption account (bq-<number>@bigquery-encryption...), read from its data source (ENC-2).
        /^serviceAccount:\$\{data\.google_bigquery_default_service_account\.[^}]+\.email\}$/.test(g.member) ||
        g.member.endsWith(`@${domain}`) && g.member.startsWith('group:');
      expect([g.member, ok]).toEqual([g.member, true]);
    }
  });
});
