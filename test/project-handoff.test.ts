/**
 * HAND-1: a customer's takeover of the project Smart Segments provisioned for it, phase by phase, on
 * the synthesized stacks: each phase is compared with the one before it, so a phase that changes
 * more than it should fails here.
 */
import { Testing, TerraformStack } from 'cdktf';
import { fixtureEnvironment, makeTenant, synthTenant } from './support/synth';
import { TenantStack } from '../stacks/tenant-stack';
import type { SynthesizedResource, SynthesizedStack } from '../compliance/synthesized-stack';
import { TenantProject } from '../constructs/tenant-project';
import { ProjectHandoff } from '../constructs/project-handoff';
import { assertReleasable, releasedAddress, releasedResources } from '../constructs/state-release';
import { grantsOf } from '../compliance/grants';
import { permissionTable } from '../compliance/deployability/data/permission-table';
import { serviceAccount } from '../constructs/principal';
const PLANNER = serviceAccount('ci-plan@ssx-platform.iam.gserviceaccount.com');

/** A ProjectHandoff in prepare, built on its own for the construct-level refusals. */
function prepareProps(projectId: string, project: TenantProject) {
  return {
    projectId,
    project,
    phase: 'prepare' as const,
    customerAdminGroup: 'g@c.example',
    customerOrganizationId: '998877665544',
    sourceFolder: 'folders/1',
    deployer: serviceAccount('ci-tenant-eea@ssx-platform.iam.gserviceaccount.com'),
    planner: PLANNER,
    administrators: { member: 'group:platform-admins@smartsegments.example' },
    moverGrantExpires: '2026-12-01',
  };
}

const details = {
  customerOrganizationId: '998877665544',
  customerBillingAccount: '0A0A0A-1B1B1B-2C2C2C',
  customerOwnerGroup: 'gcp-admins@customer.example',
  customerDirectoryCustomerId: 'C09cust01',
  prepared: '2026-11-02',
  moverGrantExpires: '2026-12-01',
};
type State = 'active' | 'handover-prepare' | 'handover-transfer' | 'handed-over' | 'relinquished';
const DEPLOYER = 'serviceAccount:ci-tenant-eea@ssx-platform.iam.gserviceaccount.com';

function takeover(state: State, overrides: { jurisdiction?: 'EEA' | 'CH'; region?: string; sources?: Array<'roller' | 'revsport'> } = {}) {
  const handover =
    state === 'handed-over' || state === 'relinquished'
      ? { ...details, effectiveDate: '2026-11-20', ...(state === 'relinquished' ? { ownAccessRemoved: '2026-11-21' } : {}) }
      : details;
  return makeTenant({
    id: 'takeover',
    integrations: ['mailchimp'],
    ...overrides,
    warehouse: { mode: 'customer', projectId: 'takeover-dwh', provisionedBy: 'smart-segments' },
    lifecycle: state === 'active' ? { state } : { state: state === 'relinquished' ? 'handed-over' : state, handover },
  });
}

/** What changed from `a` to `b`: resources added, removed, and changed (by address). */
function diff(a: SynthesizedStack, b: SynthesizedStack) {
  const byAddress = (s: SynthesizedStack) => new Map(s.resources.map((r) => [r.address, r] as const));
  const [before, after] = [byAddress(a), byAddress(b)];
  const added = [...after.keys()].filter((k) => !before.has(k));
  const removed = [...before.keys()].filter((k) => !after.has(k));
  const changed = [...after.keys()].filter((k) => before.has(k) && JSON.stringify(before.get(k)!.values) !== JSON.stringify(after.get(k)!.values));
  return { added, removed, changed, before, after };
}

/** The attributes whose values differ between two versions of a resource. */
function changedKeys(x: SynthesizedResource, y: SynthesizedResource): string[] {
  const keys = new Set([...Object.keys(x.values), ...Object.keys(y.values)]);
  return [...keys].filter((k) => JSON.stringify(x.values[k]) !== JSON.stringify(y.values[k])).sort();
}

describe('HAND-1: phased customer takeover on the synthesized stacks', () => {
  const stacks = {
    active: synthTenant(takeover('active')),
    prepare: synthTenant(takeover('handover-prepare')),
    transfer: synthTenant(takeover('handover-transfer')),
    release: synthTenant(takeover('handed-over')),
    relinquish: synthTenant(takeover('relinquished')),
  };

  it('active: no customer grant and no move prerequisite', () => {
    expect(grantsOf(stacks.active).filter((g) => g.principal.member.includes('customer.example'))).toEqual([]);
    expect(stacks.active.ofType('google_folder_iam_member')).toEqual([]);
    // Only the creator's implicit owner is removed, at creation (IAM-1/creator-owner-removed).
    expect(stacks.active.ofType('google_project_iam_member_remove').map((r) => [r.values.role, r.values.member])).toEqual([['roles/owner', DEPLOYER]]);
  });

  it("prepare adds only the customer's administration grants, the move's prerequisites, the admission and the handover grants; it changes only workload protection", () => {
    const d = diff(stacks.active, stacks.prepare);
    const added = d.added.map((a) => d.after.get(a)!);
    expect(added.map((r) => r.type).sort()).toEqual([
      'google_folder_iam_member',
      'google_org_policy_policy',
      'google_org_policy_policy',
      'google_project_iam_custom_role',
      'google_project_iam_custom_role',
      'google_project_iam_member',
      'google_project_iam_member',
      'google_project_iam_member',
      'google_project_iam_member',
      'google_project_iam_member',
      'google_project_iam_member',
    ]);
    expect(d.removed).toEqual([]);
    const admin = added.filter((r) => r.type === 'google_project_iam_member' && String(r.values.member).startsWith('group:gcp-admins@'));
    expect(admin.map((r) => [r.values.role, r.values.member, r.values.project]).sort()).toEqual([
      ['roles/bigquery.admin', 'group:gcp-admins@customer.example', 'takeover-dwh'],
      ['roles/cloudkms.admin', 'group:gcp-admins@customer.example', 'takeover-dwh'],
      ['roles/resourcemanager.projectIamAdmin', 'group:gcp-admins@customer.example', 'takeover-dwh'],
    ]);
    // Never a basic role: setIamPolicy refuses roles/owner to a principal outside the project's organization.
    expect(grantsOf(stacks.prepare).filter((g) => /^roles\/(owner|editor|viewer)$/.test(g.role))).toEqual([]);
    const mover = added.find((r) => r.type === 'google_folder_iam_member')!;
    expect(mover.values).toMatchObject({
      folder: 'folders/100000000001',
      role: 'roles/resourcemanager.projectMover',
      member: DEPLOYER,
      condition: { expression: 'request.time < timestamp("2026-12-01T00:00:00Z")' },
    });
    const exportPolicy = added.find((r) => r.type === 'google_org_policy_policy' && String(r.values.name).includes('allowedExportDestinations'))!;
    expect(exportPolicy.values).toMatchObject({
      parent: 'folders/100000000001',
      spec: { rules: [{ values: { allowed_values: ['under:organizations/998877665544'] } }] },
    });
    // The dataset was created with an explicit access list: there is no creator entry to adopt or remove.
    expect(grantsOf(stacks.prepare).filter((g) => g.target.resourceType === 'google_bigquery_dataset' && g.principal.member === DEPLOYER)).toEqual([]);
    // Changed: only delete protection of Smart Segments' workloads (the project and the warehouse stay protected).
    const changes = d.changed.map((a) => changedKeys(d.before.get(a)!, d.after.get(a)!));
    expect(d.changed.length).toBeGreaterThan(0);
    // depends_on too: the creator's owner removal also waits for the new grants (DEP-POLICY-ORDER); Terraform plans no change for it.
    for (const keys of changes) expect(keys.every((k) => ['deletion_protection', 'lifecycle', 'delete_protection_state', 'depends_on'].includes(k))).toBe(true);
    for (const a of d.changed.filter((x) => changedKeys(d.before.get(x)!, d.after.get(x)!).includes('depends_on'))) expect(d.after.get(a)!.type).toBe('google_project_iam_member_remove');
    for (const a of d.changed) expect(d.after.get(a)!.type).not.toMatch(/^google_(project|bigquery_dataset|bigquery_table)$/);
    const warehouseKey = stacks.prepare.ofType('google_kms_crypto_key').find((k) => k.values.name === 'warehouse')!;
    expect((warehouseKey.values.lifecycle as { prevent_destroy?: boolean }).prevent_destroy).toBe(true);
  });

  it('transfer changes only the project: its parent and its billing account', () => {
    const d = diff(stacks.prepare, stacks.transfer);
    expect({ added: d.added, removed: d.removed }).toEqual({ added: [], removed: [] });
    expect(d.changed.map((a) => d.after.get(a)!.type)).toEqual(['google_project']);
    const [address] = d.changed;
    expect(changedKeys(d.before.get(address)!, d.after.get(address)!)).toEqual(['billing_account', 'folder_id', 'org_id']);
    expect(d.after.get(address)!.values).toMatchObject({ org_id: '998877665544', billing_account: '0A0A0A-1B1B1B-2C2C2C', deletion_policy: 'PREVENT' });
  });

  it('release: nothing of the data plane is built; the removed blocks cover the project, the warehouse, its keys and the customer grants', () => {
    const release = stacks.release;
    expect(release.resources).toEqual([]);
    const removed = (release.json.removed ?? []) as Array<{ from: string; lifecycle: { destroy: boolean } }>;
    for (const r of removed) expect(r.lifecycle).toEqual({ destroy: false });
    const released = new Set(removed.map((r) => r.from));
    const transfer = stacks.transfer;
    const of = (type: string, pick: (v: Record<string, unknown>) => boolean = () => true) => transfer.ofType(type).filter((r) => pick(r.values)).map((r) => r.address);
    const kept = [
      ...of('google_project'),
      ...of('google_bigquery_dataset'),
      ...of('google_bigquery_table'),
      ...of('google_kms_crypto_key', (v) => v.name === 'warehouse'),
      ...of('google_project_iam_member', (v) => String(v.member).startsWith('group:gcp-admins@')),
    ];
    expect(kept.length).toBeGreaterThanOrEqual(7);
    for (const a of kept) expect(released).toContain(a);
    // Every released address is one the transfer stack declares: the table cannot drift from the constructs.
    const transferAddresses = new Set(transfer.resources.map((r) => r.address));
    for (const a of released) expect(transferAddresses).toContain(a);
  });

  it("release destroys nothing the customer keeps: every transfer resource that holds the customer's data or its encryption is released", () => {
    const released = new Set(((stacks.release.json.removed ?? []) as Array<{ from: string }>).map((r) => r.from));
    const keeps = stacks.transfer.resources.filter(
      (r) => ['google_project', 'google_bigquery_dataset', 'google_bigquery_table'].includes(r.type) || (r.type === 'google_kms_crypto_key' && r.values.name === 'warehouse'),
    );
    expect(keeps.filter((r) => !released.has(r.address)).map((r) => r.address)).toEqual([]);
    // What is destroyed holds no customer data: Smart Segments' accounts, grants, secrets, workloads, the other keys.
    const destroyed = stacks.transfer.resources.filter((r) => !released.has(r.address));
    expect(destroyed.some((r) => r.type === 'google_service_account')).toBe(true);
    expect(destroyed.some((r) => r.type === 'google_secret_manager_secret')).toBe(true);
    // No grant is destroyed (an IAM policy change the handover roles do not carry), but the folder's move grant.
    expect(destroyed.filter((r) => r.type.endsWith('_iam_member')).map((r) => [r.type, r.values.role])).toEqual([['google_folder_iam_member', 'roles/resourcemanager.projectMover']]);
  });

  it("prepare's handover grants: a read role to ci-plan and an apply role to the deployer, in the project, expiring with the move grant, without Customer Data reads", () => {
    const roles = stacks.prepare.ofType('google_project_iam_custom_role');
    expect(roles.map((r) => [r.values.project, r.values.role_id]).sort()).toEqual([
      ['takeover-dwh', 'smartSegmentsHandoverApply'],
      ['takeover-dwh', 'smartSegmentsHandoverRead'],
    ]);
    const permissions = (id: string) => roles.find((r) => r.values.role_id === id)!.values.permissions as string[];
    const read = permissions('smartSegmentsHandoverRead');
    const apply = permissions('smartSegmentsHandoverApply');
    // What the transfer and release need: reading everything, updating the project, destroying our workloads, removing the grants.
    expect(read).toEqual(expect.arrayContaining(['resourcemanager.projects.get', 'run.services.get', 'secretmanager.secrets.get', 'bigquery.datasets.get', 'iam.roles.get']));
    expect(apply).toEqual(expect.arrayContaining([...read, 'resourcemanager.projects.update', 'resourcemanager.projects.createBillingAssignment', 'run.services.delete', 'secretmanager.secrets.delete', 'iam.serviceAccounts.delete', 'resourcemanager.projects.setIamPolicy']));
    // Never a Customer Data read, a custom-role change, or an IAM policy change of a resource the customer keeps.
    for (const p of ['bigquery.tables.getData', 'datastore.entities.get', 'secretmanager.versions.access', 'pubsub.subscriptions.consume', 'iam.serviceAccounts.getAccessToken', 'logging.privateLogEntries.list', 'iam.roles.update', 'bigquery.datasets.update', 'bigquery.tables.setIamPolicy', 'cloudkms.cryptoKeys.setIamPolicy'])
      expect({ p, read: read.includes(p), apply: apply.includes(p) }).toEqual({ p, read: false, apply: false });
    // Nor the deletion of what the customer keeps: the release forgets the project, the warehouse and its grants.
    for (const p of ['resourcemanager.projects.delete', 'bigquery.datasets.delete', 'bigquery.tables.delete', 'bigquery.tables.update', 'resourcemanager.projects.move'])
      expect({ p, apply: apply.includes(p) }).toEqual({ p, apply: false });
    const grants = stacks.prepare.ofType('google_project_iam_member').filter((r) => String(r.values.role).includes('google_project_iam_custom_role'));
    const limited = "request.time < timestamp(\"2026-12-01T00:00:00Z\") && api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly(['projects/takeover-dwh/roles/smartSegmentsHandoverApply', 'projects/takeover-dwh/roles/smartSegmentsHandoverRead'])";
    expect(grants.map((r) => [r.values.member, (r.values.condition as { expression: string }).expression]).sort()).toEqual([
      // The organization administrator who applies the release reaches the moved project as a platform administrator.
      ['group:platform-admins@smartsegments.example', limited],
      ['serviceAccount:ci-plan@ssx-platform.iam.gserviceaccount.com', 'request.time < timestamp("2026-12-01T00:00:00Z")'],
      [DEPLOYER, limited],
    ]);
    // The transfer keeps them unchanged.
    for (const r of [...roles, ...grants]) expect(stacks.transfer.resources.find((x) => x.address === r.address)?.values).toEqual(r.values);
  });

  it("the handover roles carry every permission the permission table gives for what runs in the moved project: each refresh, the release's destroys, the project's update", () => {
    const table = permissionTable();
    const onProject = (list: ReadonlyArray<{ permission: string; on: string }>) => list.filter((p) => p.on === 'resource').map((p) => p.permission);
    const roles = stacks.transfer.ofType('google_project_iam_custom_role');
    const read = new Set(roles.find((r) => r.values.role_id === 'smartSegmentsHandoverRead')!.values.permissions as string[]);
    const apply = new Set(roles.find((r) => r.values.role_id === 'smartSegmentsHandoverApply')!.values.permissions as string[]);
    const released = new Set(((stacks.release.json.removed ?? []) as Array<{ from: string }>).map((r) => r.from));
    const inFolder = (r: SynthesizedResource) => r.type === 'google_folder_iam_member' || (r.type === 'google_org_policy_policy' && String(r.values.parent).startsWith('folders/'));
    const missing: string[] = [];
    for (const r of stacks.transfer.resources.filter((x) => !inFolder(x))) {
      const row = table.row('resource', r.type)!;
      for (const p of onProject(row.permissions.read)) {
        if (!read.has(p)) missing.push(`read role: ${p} (${r.address})`);
        if (!apply.has(p)) missing.push(`apply role: ${p} (${r.address})`);
      }
      if (!released.has(r.address)) for (const p of onProject(row.permissions.delete)) if (!apply.has(p)) missing.push(`apply role: ${p} to destroy ${r.address}`);
      if (r.type === 'google_project') for (const p of onProject(row.permissions.update)) if (!apply.has(p)) missing.push(`apply role: ${p} to move ${r.address}`);
    }
    expect(missing).toEqual([]);
    // And nothing more: every permission of the apply role is one of those, or the last step's IAM policy calls.
    const needed = new Set<string>(['resourcemanager.projects.getIamPolicy', 'resourcemanager.projects.setIamPolicy']);
    for (const item of [...stacks.transfer.resources.filter((x) => !inFolder(x)).map((r) => ({ r, kind: 'resource' as const })), ...Object.keys(stacks.transfer.json.data ?? {}).map((type) => ({ r: { type, address: type } as SynthesizedResource, kind: 'data' as const }))]) {
      const row = table.row(item.kind, item.r.type)!;
      for (const p of onProject(row.permissions.read)) needed.add(p);
      if (item.kind === 'resource' && !released.has(item.r.address)) for (const p of onProject(row.permissions.delete)) needed.add(p);
      if (item.r.type === 'google_project') for (const p of onProject(row.permissions.update)) needed.add(p);
    }
    expect([...apply].filter((p) => !needed.has(p))).toEqual([]);
  });

  it('release leaves no Smart Segments principal with a grant; the last step removes the handover grants, the deployer last, and nothing else', () => {
    expect(grantsOf(stacks.release)).toEqual([]);
    const removals = stacks.relinquish.resources;
    expect(removals.map((r) => [r.type, r.values.project, r.values.role, r.values.member])).toEqual([
      ['google_project_iam_member_remove', 'takeover-dwh', 'projects/takeover-dwh/roles/smartSegmentsHandoverApply', 'group:platform-admins@smartsegments.example'],
      ['google_project_iam_member_remove', 'takeover-dwh', 'projects/takeover-dwh/roles/smartSegmentsHandoverApply', DEPLOYER],
      ['google_project_iam_member_remove', 'takeover-dwh', 'projects/takeover-dwh/roles/smartSegmentsHandoverRead', 'serviceAccount:ci-plan@ssx-platform.iam.gserviceaccount.com'],
    ]);
    // One after another (a removal sets the policy without the provider's lock, DEP-POLICY-ORDER); the
    // deployer's own grant carries the setIamPolicy the other removals need, so it goes last.
    expect(removals[0].values.depends_on).toEqual([removals[2].address]);
    expect([...(removals[1].values.depends_on as string[])].sort()).toEqual([removals[0].address, removals[2].address].sort());
    expect(removals[2].values.depends_on).toBeUndefined();
    expect(grantsOf(stacks.relinquish)).toEqual([]);
    // The removed blocks stay, so the last step's plan forgets nothing twice and changes nothing else.
    expect(stacks.relinquish.json.removed).toEqual(stacks.release.json.removed);
  });

  it.each([
    ['EEA with a source', {}],
    ['CH with a source', { jurisdiction: 'CH' as const, region: 'europe-west6' }],
    ['EEA without sources', { sources: [] }],
  ])('the release table names exactly what the transfer stack declares (%s)', (_name, overrides) => {
    const transfer = synthTenant(takeover('handover-transfer', overrides));
    const addresses = new Set(transfer.resources.map((r) => r.address));
    const table = releasedResources(takeover('handover-transfer', overrides));
    for (const r of table) expect({ entry: r.path.join('/'), present: addresses.has(releasedAddress(r)) }).toEqual({ entry: r.path.join('/'), present: true });
    const release = synthTenant(takeover('handed-over', overrides));
    // Besides the table, the release forgets every grant of the transfer stack but the folder's move grant.
    const grants = transfer.resources.filter((r) => r.type.endsWith('_iam_member') && r.type !== 'google_folder_iam_member').map((r) => r.address);
    expect(grants.length).toBeGreaterThan(5);
    expect(((release.json.removed ?? []) as Array<{ from: string }>).map((r) => r.from).sort()).toEqual([...new Set([...table.map(releasedAddress), ...grants])].sort());
  });

  it('a release table entry the stack does not declare fails the synthesis of the earlier phases (the table and the constructs cannot drift)', () => {
    const tenant = takeover('handover-prepare');
    const stack = new TenantStack(Testing.app(), { environment: fixtureEnvironment(), tenant });
    expect(() => assertReleasable(stack, releasedResources(tenant))).not.toThrow();
    expect(() => assertReleasable(stack, [...releasedResources(tenant), { type: 'google_bigquery_table', path: ['data-plane', 'warehouse', 'table-gone'], why: 'test' }])).toThrow(
      /release table \(constructs\/state-release\.ts releasedResources\) does not match the stack: data-plane\/warehouse\/table-gone is not a google_bigquery_table of tenant-fixture-takeover/,
    );
    expect(() => assertReleasable(stack, [{ type: 'google_kms_key_ring', path: ['project', 'project'], why: 'test' }])).toThrow(/project\/project is not a google_kms_key_ring/);
  });

  it('without a recorded move-grant expiry there is no move grant (HAND-1/move-prerequisites then refuses the stack)', () => {
    const { moverGrantExpires: _m, ...withoutExpiry } = details;
    const stack = synthTenant(makeTenant({ id: 'takeover', warehouse: { mode: 'customer', projectId: 'takeover-dwh', provisionedBy: 'smart-segments' }, lifecycle: { state: 'handover-prepare', handover: withoutExpiry } }));
    expect(stack.ofType('google_folder_iam_member')).toEqual([]);
  });

  it('refuses handover roles that would carry a Customer Data read, a Data Access log read or a custom-role change', () => {
    const make = () => {
      const stack = new TerraformStack(Testing.app(), 'x');
      const project = new TenantProject(stack, 'p', { projectId: 'takeover-dwh', ownership: 'smart-segments', folderId: 'folders/1', billingAccount: '000000-000000-000000' });
      return new ProjectHandoff(stack, 'h', prepareProps('takeover-dwh', project));
    };
    const read = ['resourcemanager.projects.get'];
    for (const [permission, why] of [
      ['bigquery.tables.getData', /a Customer Data read the deny policies take from CI \(warehouse rows/],
      ['secretmanager.versions.access', /a Customer Data read/],
      ['logging.privateLogEntries.list', /Data Access audit log reads/],
      ['iam.roles.update', /a custom-role change/],
    ] as const) {
      expect(() => make().limitHandoverRoles({ read, apply: [...read, permission] })).toThrow(
        new RegExp(`ProjectHandoff takeover-dwh: the handover apply role would carry ${permission.replace(/\./g, '\\.')} \\(${why.source}`),
      );
      expect(() => make().limitHandoverRoles({ read: [...read, permission], apply: read })).toThrow(/the handover read role would carry/);
    }
    expect(() => make().limitHandoverRoles({ read, apply: [...read, 'resourcemanager.projects.update'] })).not.toThrow();
  });

  it("refuses to hand over a customer's own project", () => {
    const stack = new TerraformStack(Testing.app(), 'x');
    const project = new TenantProject(stack, 'p', { projectId: 'their-own', ownership: 'customer' });
    expect(
      () =>
        new ProjectHandoff(stack, 'h', prepareProps('their-own', project)),
    ).toThrow(/only a project Smart Segments provisioned can be handed over/);
  });

  it('a handover state needs a project provisioned for takeover (config)', () => {
    expect(() => makeTenant({ id: 'wrong', warehouse: { mode: 'smart-segments' }, lifecycle: { state: 'handover-prepare', handover: details } })).toThrow(
      /only a dedicated project that Smart Segments provisioned/,
    );
  });
});
