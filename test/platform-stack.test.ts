/**
 * PlatformStack, asserted on the synthesized JSON Terraform will see: one describe per control the
 * stack implements and negative tests where a construct must refuse bad input. What the fixture
 * platform stack holds in full is in test/inventories/platform-fixture.yaml.
 */
import { TerraformStack, Testing } from 'cdktf';
import type { EnvironmentConfig, ResolvedTenant } from '../config/loader';
import { JURISDICTION_RULES, type Jurisdiction } from '../config/jurisdictions';
import { auditLogProjectId, runtimeAccountIds } from '../config/naming';
import { isBasicRole, roleExists, rolePermissions } from '../policy/iam-roles';
import { dependsTransitivelyOn, walkStrings, type SynthesizedResource, type SynthesizedStack } from '../compliance/synthesized-stack';
import { buildApp, stackNamesOf } from '../stacks/build-app';
import { PlatformStack, folderServiceAccounts, servedJurisdictions } from '../stacks/platform-stack';
import { platformContactDomains } from '../config/contact-domains';
import { createsProject } from '../config/loader';
import { CMEK_REQUIRED_SERVICES, CUSTOMER_DATA_CONSTRAINTS, GUARDRAIL_CONSTRAINTS, GITHUB_ACTIONS_ISSUER, OrganizationPolicies } from '../constructs/organization-policies';
import { KEY_DESTROY_SCHEDULED_DAYS } from '../constructs/tenant-keys';
import { CentralAuditLog } from '../constructs/central-audit-log';
import { AUDIT_LOG_RETENTION_DAYS } from '../policy/dpa';
import { BreachDetection, MAX_METRIC_FILTER_LENGTH, TENANT_WORKLOAD_ACCOUNT_IDS, breachDetector, projectSecretAccessFilter, securityChannel } from '../constructs/breach-detection';
import { CiDeployerIdentity, PLAN_ROLES, PLATFORM_ROLES, TENANT_ROLES, type DeployerRoles } from '../constructs/ci-deployer-identity';
import { TerraformStateBucket } from '../constructs/terraform-state-bucket';
import { ContainerRegistry } from '../constructs/container-registry';
import { JurisdictionFolders } from '../constructs/jurisdiction-folders';
import { LoggingLocation } from '../constructs/logging-location';
import { serviceAccount } from '../constructs/principal';
import { FIXTURE_ENVIRONMENTS_DIR, FIXTURE_PLATFORM_STACK, fixtureEnvironment, fixtureStack, makeTenant, synthStack } from './support/synth';
import { labelAttribute } from '../compliance/labelable';

const env = fixtureEnvironment();

/** A fresh stack to build one construct in, for the negative tests. */
const scratch = () => new TerraformStack(Testing.app(), 'scratch');

/** What a CentralAuditLog built on its own needs: an EEA logging project under folder 1 and that folder's logging settings. */
const auditLogProps = (stack: TerraformStack) => ({
  projectId: 'ssx-audit-eea',
  folderId: '1',
  folderLoggingLocation: new LoggingLocation(stack, 'folder-logging', { folderId: '1', jurisdiction: 'EEA' }),
  billingAccount: env.platform.billingAccount,
  jurisdiction: 'EEA' as const,
});

function synthPlatform(environment: EnvironmentConfig = env, stateBackend?: 'gcs' | 'local'): SynthesizedStack {
  return synthStack(new PlatformStack(Testing.app(), { environment, stateBackend }));
}

function withTenants(extra: ResolvedTenant[], base: EnvironmentConfig = env): EnvironmentConfig {
  return { ...base, tenants: [...base.tenants, ...extra] };
}

// The run's one synthesis of the fixture platform stack (jest globalSetup).
const stack = fixtureStack(FIXTURE_PLATFORM_STACK);
const inUse = servedJurisdictions(env);

/** `${google_folder.<name>.<attr>}` of the folder with this display name. */
function folderRef(displayName: string, attr: 'name' | 'folder_id' = 'name'): string {
  const folder = stack.ofType('google_folder').find((f) => f.values.display_name === displayName);
  if (!folder) throw new Error(`no folder ${displayName}`);
  return `\${google_folder.${folder.name}.${attr}}`;
}
const tenantFolder = (j: Jurisdiction, attr: 'name' | 'folder_id' = 'name') => folderRef(`${env.name}-${j.toLowerCase()}`, attr);
const platformFolder = (attr: 'name' | 'folder_id' = 'name') => folderRef(`${env.name}-platform`, attr);
const auditFolder = (j: Jurisdiction, attr: 'name' | 'folder_id' = 'name') => folderRef(`${env.name}-audit-${j.toLowerCase()}`, attr);
const managedFolders = () => [platformFolder(), ...inUse.map((j) => tenantFolder(j)), ...inUse.map((j) => auditFolder(j))];
/** Every role name of a role set (predefined roles; custom roles are declared separately). */
const roleNames = (roles: DeployerRoles) => [...roles.organization, ...roles.billingAccount, ...roles.platformFolder, ...roles.auditFolders, ...roles.tenantFolders, ...roles.sharedProject];

function policy(s: SynthesizedStack, folder: string, constraint: string): Record<string, any> {
  const found = s.ofType('google_org_policy_policy').filter((p) => p.values.parent === folder && p.values.name === `${folder}/policies/${constraint}`);
  expect(found).toHaveLength(1);
  return found[0].values.spec as Record<string, any>;
}

const allowedValues = (spec: Record<string, any>) => spec.rules[0].values.allowed_values as string[];

/** Every IAM member written anywhere in the stack. */
function members(s: SynthesizedStack): Array<{ address: string; member: string }> {
  return s.resources.filter((r) => typeof r.values.member === 'string').map((r) => ({ address: r.address, member: r.values.member as string }));
}

/** Every resource that grants a role (a google_project_iam_member_remove takes one away: not a grant). */
function grants(s: SynthesizedStack): SynthesizedResource[] {
  return s.resources.filter((r) => typeof r.values.role === 'string' && r.type !== 'google_project_iam_member_remove');
}

describe('stack layout', () => {
  it('is named platform-<env> and keeps its state under its own prefix of the state bucket', () => {
    expect(stack.name).toBe('platform-fixture');
    expect((stack.json.terraform as any).backend).toEqual({ gcs: { bucket: 'ssx-fixture-tfstate', prefix: 'stacks/platform-fixture' } });
  });

  it('uses local state only when asked to, for the first deployment before the bucket exists', () => {
    const bootstrap = synthPlatform(env, 'local');
    expect(Object.keys((bootstrap.json.terraform as any).backend)).toEqual(['local']);
  });

  it('is part of the app: listed by stackNamesOf and selectable with STACKS', () => {
    expect(stackNamesOf([env])[0]).toBe('platform-fixture');
    const app = buildApp({ environmentsDir: FIXTURE_ENVIRONMENTS_DIR, environment: 'fixture', stacks: ['platform-fixture'] });
    expect(app.node.children.map((c) => c.node.id)).toEqual(['platform-fixture']);
  });

  it('has the resources a fresh synthesis in this process builds (the shared fixture synthesis is not stale)', () => {
    // The run's synthesis is the app's (cdktf.out); compared here by resource address and attributes.
    const resources = (s: SynthesizedStack) => JSON.stringify(s.resources.map((r) => [r.address, r.values]));
    expect(resources(synthPlatform())).toEqual(resources(stack));
  });

  it('has a folder for the platform, and a tenant folder and an audit folder per jurisdiction in use, under the organization', () => {
    expect(inUse).toEqual(['EEA', 'UK', 'CH', 'AU']);
    const folders = stack.ofType('google_folder').map((f) => [f.values.display_name, f.values.parent, f.values.deletion_protection]);
    expect(folders.sort()).toEqual(
      [
        'fixture-au',
        'fixture-audit-au',
        'fixture-audit-ch',
        'fixture-audit-eea',
        'fixture-audit-uk',
        'fixture-ch',
        'fixture-eea',
        'fixture-platform',
        'fixture-uk',
      ].map((n) => [n, 'organizations/123456789012', true]),
    );
  });

  it('has a folder for every served jurisdiction, in table order, whatever the tenants', () => {
    const bare: EnvironmentConfig = { ...env, tenants: [], platform: { ...env.platform, jurisdictions: ['AU', 'EEA'], platformJurisdiction: 'AU', tenantFolders: {} } };
    expect(servedJurisdictions(bare)).toEqual(['EEA', 'AU']);
    const displayNames = synthPlatform(bare).ofType('google_folder').map((f) => f.values.display_name).sort();
    expect(displayNames).toEqual(['fixture-au', 'fixture-audit-au', 'fixture-audit-eea', 'fixture-eea', 'fixture-platform']);
  });

  it('fails the plan when a folder id recorded in platform.yaml is not the folder it manages', () => {
    const eea = stack.ofType('google_folder').find((f) => f.values.display_name === 'fixture-eea')!;
    expect((eea.values.lifecycle as any).postcondition[0].condition).toBe('${self.name == "folders/100000000001"}');
  });

  it('refuses a folder display name over 30 characters', () => {
    expect(
      () => new JurisdictionFolders(scratch(), 'f', { parent: 'organizations/1', environment: 'a-very-long-environment', jurisdictions: ['EEA'] }),
    ).toThrow(/display name "a-very-long-environment-platform" is not valid/);
  });
});

describe('RES-2: the EEA folder allows only in:eu-locations', () => {
  it('the EEA folder allows exactly in:eu-locations, not merged with a parent policy', () => {
    const spec = policy(stack, tenantFolder('EEA'), 'gcp.resourceLocations');
    expect(spec.inherit_from_parent).toBe(false);
    expect(allowedValues(spec)).toEqual(['in:eu-locations']);
  });

  it.each(['UK', 'CH', 'AU'] as Jurisdiction[])('the %s folder allows exactly its jurisdiction table locations', (j) => {
    expect(allowedValues(policy(stack, tenantFolder(j), 'gcp.resourceLocations'))).toEqual([...JURISDICTION_RULES[j].orgPolicyLocations]);
  });

  it('the platform folder allows the platform jurisdiction locations', () => {
    expect(allowedValues(policy(stack, platformFolder(), 'gcp.resourceLocations'))).toEqual(['in:eu-locations']);
  });

  it('every managed folder carries every guardrail, and each tenant folder the Customer Data ones', () => {
    for (const folder of managedFolders()) {
      for (const constraint of Object.keys(GUARDRAIL_CONSTRAINTS)) policy(stack, folder, constraint);
    }
    for (const j of inUse) for (const constraint of Object.keys(CUSTOMER_DATA_CONSTRAINTS)) policy(stack, tenantFolder(j), constraint);
    expect(stack.ofType('google_org_policy_policy')).toHaveLength(
      managedFolders().length * Object.keys(GUARDRAIL_CONSTRAINTS).length + inUse.length * Object.keys(CUSTOMER_DATA_CONSTRAINTS).length,
    );
  });

  it("the blueprint's guardrails: no default network, no HMAC keys, TLS 1.2 or later to Google APIs", () => {
    for (const folder of managedFolders()) {
      expect(policy(stack, folder, 'compute.skipDefaultNetworkCreation').rules).toEqual([{ enforce: 'TRUE' }]);
      expect(policy(stack, folder, 'storage.restrictAuthTypes').rules).toEqual([{ values: { denied_values: ['in:ALL_HMAC_SIGNED_REQUESTS'] } }]);
      expect(policy(stack, folder, 'gcp.restrictTLSVersion').rules).toEqual([{ values: { denied_values: ['TLS_VERSION_1', 'TLS_VERSION_1_1'] } }]);
    }
  });

  it.each(['EEA', 'UK', 'CH', 'AU'] as Jurisdiction[])('the %s tenant folder requires customer-managed keys from its own projects, destroyed after 7 days at the earliest', (j) => {
    const folder = tenantFolder(j);
    expect(policy(stack, folder, 'gcp.restrictNonCmekServices').rules).toEqual([{ values: { denied_values: [...CMEK_REQUIRED_SERVICES] } }]);
    expect(allowedValues(policy(stack, folder, 'gcp.restrictCmekCryptoKeyProjects'))).toEqual([`under:${folder}`]);
    expect(allowedValues(policy(stack, folder, 'cloudkms.minimumDestroyScheduledDuration'))).toEqual([`in:${KEY_DESTROY_SCHEDULED_DAYS}d`]);
    // Not on the audit folder, whose locked log bucket uses Google-managed encryption.
    expect(stack.ofType('google_org_policy_policy').filter((p) => p.values.parent === auditFolder(j) && String(p.values.name).endsWith('gcp.restrictNonCmekServices'))).toEqual([]);
  });

  it('Cloud Run ingress is internal or load balancer only, and VMs get no external IP', () => {
    for (const folder of managedFolders()) {
      expect(allowedValues(policy(stack, folder, 'run.allowedIngress'))).toEqual(['internal', 'internal-and-cloud-load-balancing']);
      expect(policy(stack, folder, 'compute.vmExternalIpAccess').rules).toEqual([{ deny_all: 'TRUE' }]);
      for (const c of ['storage.uniformBucketLevelAccess', 'storage.publicAccessPrevention', 'sql.restrictPublicIp']) {
        expect(policy(stack, folder, c).rules).toEqual([{ enforce: 'TRUE' }]);
      }
    }
  });

  it("essential contacts on every folder are limited to Smart Segments' domains; tenants' are admitted on their projects", () => {
    expect(allowedValues(policy(stack, tenantFolder('UK'), 'essentialcontacts.allowedContactDomains'))).toEqual(['@smartsegments.example']);
    expect(allowedValues(policy(stack, platformFolder(), 'essentialcontacts.allowedContactDomains'))).toEqual(['@smartsegments.example']);
    expect(platformContactDomains(env.platform)).toEqual(['smartsegments.example']);
  });
});

describe('RES-4: logging storage of new projects is in the jurisdiction', () => {
  it.each(['EEA', 'UK', 'CH', 'AU'] as Jurisdiction[])('the %s folder stores _Default and _Required in its log location', (j) => {
    const settings = stack.ofType('google_logging_folder_settings').filter((s) => s.values.folder === tenantFolder(j, 'folder_id'));
    expect(settings.map((s) => s.values.storage_location)).toEqual([JURISDICTION_RULES[j].logLocation]);
  });

  it('the platform folder stores its logs in the platform jurisdiction', () => {
    const settings = stack.ofType('google_logging_folder_settings').filter((s) => s.values.folder === platformFolder('folder_id'));
    expect(settings.map((s) => s.values.storage_location)).toEqual(['eu']);
  });

  it("every project the platform creates waits for its folder's logging settings, so its own log buckets are created there", () => {
    const projects = stack.ofType('google_project');
    expect(projects).toHaveLength(5);
    for (const p of projects) {
      const folderId = String(p.values.folder_id);
      const settings = stack.ofType('google_logging_folder_settings').find((x) => x.values.folder === folderId)!;
      expect({ project: p.address, dependsOn: p.values.depends_on }).toEqual({ project: p.address, dependsOn: [settings.address] });
    }
  });
});

/**
 * The API that must be enabled before a resource of each type is created in a project
 * (each type's Google Cloud service: cloud.google.com/<service>/docs, provider `google/services/<service>`).
 */
const API_OF_TYPE: Record<string, string> = {
  google_logging_project_bucket_config: 'logging.googleapis.com',
  google_logging_metric: 'logging.googleapis.com',
  google_monitoring_alert_policy: 'monitoring.googleapis.com',
  google_monitoring_notification_channel: 'monitoring.googleapis.com',
  google_project_default_service_accounts: 'iam.googleapis.com',
  google_storage_bucket: 'storage.googleapis.com',
  google_artifact_registry_repository: 'artifactregistry.googleapis.com',
  google_service_account: 'iam.googleapis.com',
  google_iam_workload_identity_pool: 'iam.googleapis.com',
  google_iam_workload_identity_pool_provider: 'iam.googleapis.com',
};

describe('ordering: every resource in a project this stack creates waits for that project and its API', () => {
  const projects = new Map(stack.ofType('google_project').map((p) => [p.values.project_id as string, p]));
  const services = stack.ofType('google_project_service');
  const projectOf = (r: SynthesizedResource): string | undefined => {
    for (const key of ['project', 'bucket', 'repository']) {
      const v = r.values[key];
      if (typeof v !== 'string') continue;
      if (projects.has(v)) return v;
      const target = stack.resolveReference(v);
      if (target && target !== r) return projectOf(target);
    }
    return undefined;
  };
  const placed = stack.resources.filter((r) => r.type !== 'google_project' && projectOf(r) !== undefined);

  it('finds the resources of the shared and audit log projects', () => {
    expect(placed.length).toBeGreaterThan(50);
  });

  it('each depends, directly or transitively, on its google_project', () => {
    for (const r of placed) {
      const project = projects.get(projectOf(r)!)!;
      expect({ r: r.address, ok: dependsTransitivelyOn(stack, r, project.address) }).toEqual({ r: r.address, ok: true });
    }
  });

  it("each of a type with an API depends on that API's google_project_service in its project", () => {
    const typed = placed.filter((r) => API_OF_TYPE[r.type]);
    expect(new Set(typed.map((r) => r.type)).size).toBeGreaterThanOrEqual(6);
    for (const r of typed) {
      const api = services.find((s) => s.values.project === projectOf(r) && s.values.service === API_OF_TYPE[r.type]);
      expect({ r: r.address, api: api !== undefined && dependsTransitivelyOn(stack, r, api.address) }).toEqual({ r: r.address, api: true });
    }
  });

  it('each folder sink waits for its destination bucket', () => {
    for (const sink of stack.ofType('google_logging_folder_sink')) {
      const bucket = stack.ofType('google_logging_project_bucket_config').find((b) => String(sink.values.destination).endsWith(`/buckets/${b.values.bucket_id}`) && String(sink.values.destination).includes(`projects/${b.values.project}/`))!;
      expect(dependsTransitivelyOn(stack, sink, bucket.address)).toBe(true);
    }
  });
});

describe('IAM-3: no service account keys; CI is keyless', () => {
  it('every managed folder forbids creating and uploading keys', () => {
    for (const folder of managedFolders()) {
      expect(policy(stack, folder, 'iam.disableServiceAccountKeyCreation').rules).toEqual([{ enforce: 'TRUE' }]);
      expect(policy(stack, folder, 'iam.disableServiceAccountKeyUpload').rules).toEqual([{ enforce: 'TRUE' }]);
    }
  });

  it('declares no google_service_account_key', () => {
    expect(stack.has('google_service_account_key')).toBe(false);
  });

  it('workload identity providers may trust GitHub Actions only', () => {
    for (const folder of managedFolders()) {
      expect(allowedValues(policy(stack, folder, 'iam.workloadIdentityPoolProviders'))).toEqual([GITHUB_ACTIONS_ISSUER]);
    }
    // ci-plan, ci-platform and one tenant deployer per jurisdiction.
    expect(stack.ofType('google_iam_workload_identity_pool_provider').map((p) => (p.values.oidc as any).issuer_uri)).toEqual(
      Array(2 + inUse.length).fill(GITHUB_ACTIONS_ISSUER),
    );
  });

  it('no CI role can create a service account key', () => {
    for (const roles of [PLAN_ROLES, PLATFORM_ROLES, TENANT_ROLES]) {
      expect(roleNames(roles).filter((r) => rolePermissions(r).includes('iam.serviceAccountKeys.create'))).toEqual([]);
      expect(Object.keys(roles.customRole?.permissions ?? {})).not.toContain('iam.serviceAccountKeys.create');
    }
  });
});

describe('IAM-4: default service accounts get no automatic grants', () => {
  it('every managed folder enforces iam.automaticIamGrantsForDefaultServiceAccounts', () => {
    for (const folder of managedFolders()) {
      expect(policy(stack, folder, 'iam.automaticIamGrantsForDefaultServiceAccounts').rules).toEqual([{ enforce: 'TRUE' }]);
    }
  });

  it('every project the platform creates deprivileges its default service accounts', () => {
    const projects = stack.ofType('google_project').map((p) => p.values.project_id).sort();
    const deprivileged = stack
      .ofType('google_project_default_service_accounts')
      .filter((d) => d.values.action === 'DEPRIVILEGE')
      .map((d) => d.values.project)
      .sort();
    expect(projects).toEqual(['ssx-audit-au', 'ssx-audit-ch', 'ssx-audit-eea', 'ssx-audit-uk', 'ssx-platform']);
    expect(deprivileged).toEqual(projects);
  });
});

describe('IAM-7: domain-restricted sharing', () => {
  const principalSets = (spec: Record<string, any>) => JSON.parse(spec.rules[0].parameters).allowedPrincipalSets as string[];
  const ownOrganization = '//cloudresourcemanager.googleapis.com/organizations/123456789012';

  it("every managed folder admits only Smart Segments' organization, service agents included (iam.managed.allowedPolicyMembers)", () => {
    for (const folder of managedFolders()) {
      const spec = policy(stack, folder, 'iam.managed.allowedPolicyMembers');
      expect(spec.rules[0].enforce).toBe('TRUE');
      expect(principalSets(spec)).toEqual([ownOrganization]);
    }
  });

  it('lifts the legacy iam.allowedPolicyMemberDomains on every managed folder only after the managed policy exists', () => {
    const managed = new Map(stack.ofType('google_org_policy_policy').filter((p) => String(p.values.name).endsWith('/iam.managed.allowedPolicyMembers')).map((p) => [p.values.parent, p.address]));
    for (const folder of managedFolders()) {
      const spec = policy(stack, folder, 'iam.allowedPolicyMemberDomains');
      expect(spec).toEqual({ inherit_from_parent: false, rules: [{ allow_all: 'TRUE' }] });
      const legacy = stack.ofType('google_org_policy_policy').find((p) => p.values.parent === folder && String(p.values.name).endsWith('/iam.allowedPolicyMemberDomains'))!;
      expect(legacy.values.depends_on).toEqual([managed.get(folder)]);
    }
  });

  const handover = (state: 'handover-prepare' | 'handover-transfer' | 'handed-over') =>
    makeTenant({
      id: 'alpen-handover',
      jurisdiction: 'CH',
      region: 'europe-west6',
      warehouse: { mode: 'customer', projectId: 'alpen-handover-dwh', provisionedBy: 'smart-segments' },
      lifecycle: {
        state,
        handover: {
          customerOrganizationId: '998877665544',
          customerBillingAccount: '01FFFF-23EF45-6789AB',
          customerOwnerGroup: 'cloud-owners@alpen.example',
          customerDirectoryCustomerId: 'C09custm1',
        },
      },
    });

  it.each(['handover-prepare', 'handover-transfer', 'handed-over'] as const)('during %s no folder admits the customer organization (its project does, in the tenant stack)', (state) => {
    const s = synthPlatform(withTenants([handover(state)]));
    const folderOf = (display: string) => `\${google_folder.${s.ofType('google_folder').find((f) => f.values.display_name === display)!.name}.name}`;
    for (const folder of ['fixture-ch', 'fixture-eea', 'fixture-uk', 'fixture-au', 'fixture-platform']) {
      expect(principalSets(policy(s, folderOf(folder), 'iam.managed.allowedPolicyMembers'))).toEqual([ownOrganization]);
    }
  });

  it('every member is a group, a service account, a sink writer identity, the accounts of a managed folder or this stack CI pool: never a person or the public', () => {
    const pools = stack.ofType('google_iam_workload_identity_pool').map((p) => p.name);
    for (const { address, member } of members(stack)) {
      const ok =
        /^group:[^@]+@smartsegments\.example$/.test(member) ||
        /^serviceAccount:[a-z0-9-]+@[a-z0-9-]+\.iam\.gserviceaccount\.com$/.test(member) ||
        /^\$\{google_logging_folder_sink\.[^.]+\.writer_identity\}$/.test(member) ||
        managedFolders().some((f) => member === folderServiceAccounts(f.replace(/\.name\}$/, '.folder_id}'))) ||
        pools.some((p) => member === `principalSet://iam.googleapis.com/\${google_iam_workload_identity_pool.${p}.name}/attribute.repository_id/${env.platform.ci.repositoryId}`);
      expect({ address, member, ok }).toEqual({ address, member, ok: true });
    }
    const text = JSON.stringify(stack.json);
    for (const forbidden of ['user:', 'allUsers', 'allAuthenticatedUsers', 'domain:']) expect(text).not.toContain(forbidden);
  });

  it('refuses a folder policy without an organization, or with a malformed one', () => {
    const base = { folderName: 'folders/1', jurisdiction: 'EEA' as const, contactDomains: ['smartsegments.example'] };
    expect(() => new OrganizationPolicies(scratch(), 'p', { ...base, organizationIds: [] })).toThrow(/organizationIds is empty/);
    expect(() => new OrganizationPolicies(scratch(), 'q', { ...base, organizationIds: ['C01exmpl2'] })).toThrow(/not a numeric organization id/);
  });

  it('grants to Google-managed identities in the logging projects wait for their folder member restriction', () => {
    for (const writer of stack.ofType('google_project_iam_member').filter((g) => String(g.values.member).endsWith('.writer_identity}'))) {
      const project = String(writer.values.project);
      const folder = stack.ofType('google_project').find((p) => p.values.project_id === project)!.values.folder_id as string;
      const restrictions = stack
        .ofType('google_org_policy_policy')
        .filter((p) => p.values.parent === String(folder).replace('.folder_id}', '.name}') && /iam\.(managed\.allowedPolicyMembers|allowedPolicyMemberDomains)$/.test(String(p.values.name)))
        .map((p) => p.address);
      expect(restrictions).toHaveLength(2);
      expect(writer.values.depends_on).toEqual(expect.arrayContaining(restrictions));
    }
  });
});

describe('IAM-1: every grant uses a predefined role that exists (or a custom role the stack declares) and is not basic', () => {
  it('every role exists in the role dataset or is a custom role of the stack, and none is basic', () => {
    const roles = grants(stack).map((g) => ({ address: g.address, role: g.values.role as string }));
    expect(roles.length).toBeGreaterThan(100);
    // The CI deployers' custom roles (DEP-PERM): declared on the organization by the same stack.
    const custom = new Set(stack.ofType('google_organization_iam_custom_role').map((r) => `organizations/${r.values.org_id}/roles/${r.values.role_id}`));
    for (const { address, role } of roles) {
      expect({ address, role, exists: roleExists(role) || custom.has(role), basic: isBasicRole(role) }).toEqual({ address, role, exists: true, basic: false });
    }
  });
});

describe('LOG-2: central audit logs with a longer, documented retention', () => {
  const buckets = stack.ofType('google_logging_project_bucket_config');

  it.each(['EEA', 'UK', 'CH', 'AU'] as Jurisdiction[])('%s has a logging project in an audit folder of its own with a locked bucket in its log location', (j) => {
    const projectId = auditLogProjectId(env.platform, j);
    const project = stack.ofType('google_project').find((p) => p.values.project_id === projectId)!;
    expect(project.values.folder_id).toBe(auditFolder(j, 'folder_id'));
    const bucket = buckets.find((b) => b.values.project === projectId)!;
    expect(bucket.values).toMatchObject({
      bucket_id: 'central-audit',
      location: JURISDICTION_RULES[j].logLocation,
      locked: true,
      retention_days: 400,
      lifecycle: { prevent_destroy: true },
    });
    expect(bucket.values.retention_days as number).toBeGreaterThan(30);
  });

  it('routes every folder with include_children into its jurisdiction bucket, platform folder to the platform jurisdiction', () => {
    const sinks = stack.ofType('google_logging_folder_sink');
    const route = (folder: string) => sinks.filter((s) => s.values.folder === folder).map((s) => s.values.destination);
    for (const j of inUse) {
      expect(route(tenantFolder(j))).toEqual([`logging.googleapis.com/projects/${auditLogProjectId(env.platform, j)}/locations/${JURISDICTION_RULES[j].logLocation}/buckets/central-audit`]);
      expect(route(auditFolder(j))).toEqual(route(tenantFolder(j)));
    }
    expect(route(platformFolder())).toEqual(['logging.googleapis.com/projects/ssx-audit-eea/locations/eu/buckets/central-audit']);
    for (const sink of sinks) {
      expect(sink.values.include_children).toBe(true);
      expect(sink.values.filter).toContain('LOG_ID("cloudaudit.googleapis.com/activity")');
      expect(sink.values.filter).toContain('LOG_ID("cloudaudit.googleapis.com/data_access")');
    }
  });

  it('each sink writer identity holds one grant: bucketWriter, narrowed to its destination bucket', () => {
    for (const sink of stack.ofType('google_logging_folder_sink')) {
      const writer = `\${google_logging_folder_sink.${sink.name}.writer_identity}`;
      const held = members(stack).filter((m) => m.member === writer);
      expect(held).toHaveLength(1);
      const grant = stack.resources.find((r) => r.address === held[0].address)!;
      const [, project, location, bucket] = /^logging\.googleapis\.com\/projects\/([^/]+)\/locations\/([^/]+)\/buckets\/([^/]+)$/.exec(sink.values.destination as string)!;
      expect(grant.type).toBe('google_project_iam_member');
      expect(grant.values).toMatchObject({
        project,
        role: 'roles/logging.bucketWriter',
        condition: { expression: `resource.name.endsWith("/locations/${location}/buckets/${bucket}")` },
      });
    }
    // Nothing else may mention a writer identity (no second grant hidden in another resource).
    const mentions = [...walkStrings(stack.json.resource)].filter((s) => s.value.includes('.writer_identity}'));
    expect(mentions).toHaveLength(stack.ofType('google_logging_folder_sink').length);
  });

  it('the security responders can read the audit logs, through the bucket view only', () => {
    const reads = grants(stack).filter((g) => g.values.role === 'roles/logging.viewAccessor');
    expect(reads.map((g) => g.values.member)).toEqual(inUse.map(() => 'group:security-responders@smartsegments.example'));
    for (const g of reads) expect((g.values.condition as any).expression).toMatch(/\/buckets\/central-audit\/views\/_AllLogs"\)$/);
  });

  it('keeps 400 days by default, and refuses a retention of 30 days or less, over 3650 or fractional', () => {
    expect(AUDIT_LOG_RETENTION_DAYS).toBe(400);
    const make = (retentionDays: number) => {
      const app = scratch();
      return new CentralAuditLog(app, 'a', { ...auditLogProps(app), retentionDays });
    };
    for (const bad of [30, 7, 3651, 45.5]) expect(() => make(bad)).toThrow(/retentionDays must be an integer above the 30-day standard/);
    expect(() => make(31)).not.toThrow();
  });

  it('refuses to route the same folder twice into one bucket', () => {
    const app = scratch();
    const log = new CentralAuditLog(app, 'a', auditLogProps(app));
    log.routeFolder('eea', 'folders/1');
    expect(() => log.routeFolder('eea', 'folders/1')).toThrow(/already routed/);
  });
});

describe('CI-1: versioned remote state in the jurisdiction; plan on change requests, apply on main', () => {
  const bucket = stack.ofType('google_storage_bucket').find((b) => b.values.name === 'ssx-fixture-tfstate')!;

  it('the state bucket is versioned, uniform, never public, soft-deletes and is protected from destroy', () => {
    expect(bucket.values).toMatchObject({
      project: 'ssx-platform',
      location: 'EU',
      versioning: { enabled: true },
      uniform_bucket_level_access: true,
      public_access_prevention: 'enforced',
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
    expect((bucket.values.soft_delete_policy as any).retention_duration_seconds).toBeGreaterThanOrEqual(7 * 86400);
  });

  it('refuses to turn soft delete off', () => {
    expect(() => new TerraformStateBucket(scratch(), 's', { projectId: 'p', name: 'b', jurisdiction: 'EEA', softDeleteDays: 0 })).toThrow(
      /softDeleteDays must be an integer from 7 to 90/,
    );
  });

  const providers = stack.ofType('google_iam_workload_identity_pool_provider');
  const poolOf = (p: SynthesizedResource) => stack.resolveReference(p.values.workload_identity_pool_id)!;
  const providerOf = (id: string) => providers.find((p) => poolOf(p).values.workload_identity_pool_id === id)!;
  const ids = `assertion.repository_id == '700000001' && assertion.repository_owner_id == '90000001' && assertion.repository == 'smart-segments/platform' && assertion.event_name != 'pull_request_target'`;
  const workflow = (file: string) => `'smart-segments/platform/.github/workflows/${file}@refs/heads/main'`;
  const tenantDeployers = inUse.map((j) => `ci-tenant-${j.toLowerCase()}`);

  it('the plan provider admits only this repository, by its numeric ids, never a pull_request_target run', () => {
    expect(providerOf('ci-plan').values.attribute_condition).toBe(ids);
  });

  it('the platform provider admits only main, in its workflow files, in the protected platform environment', () => {
    expect(providerOf('ci-platform').values.attribute_condition).toBe(
      `${ids} && assertion.ref == 'refs/heads/main' && assertion.job_workflow_ref in [${workflow('terraform-stage.yml')}, ${workflow('reconcile.yml')}] && assertion.environment == 'production-platform'`,
    );
  });

  it.each(tenantDeployers)('the %s provider admits only main, in its workflow files, in the production environment, from a pool of its own', (id) => {
    expect(providerOf(id).values.attribute_condition).toBe(
      `${ids} && assertion.ref == 'refs/heads/main' && assertion.job_workflow_ref in [${workflow('terraform-stage.yml')}, ${workflow('reconcile.yml')}, ${workflow('deploy.yml')}] && assertion.environment == 'production'`,
    );
    const pools = new Set(providers.map((p) => poolOf(p).address));
    expect(pools.size).toBe(providers.length);
  });

  it('each deployer account can be impersonated only from its own pool, for this repository id', () => {
    const federation = stack.ofType('google_service_account_iam_member');
    expect(federation).toHaveLength(2 + inUse.length);
    for (const id of ['ci-plan', 'ci-platform', ...tenantDeployers]) {
      const account = stack.ofType('google_service_account').find((a) => a.values.account_id === id)!;
      const binding = federation.find((f) => f.values.service_account_id === `\${google_service_account.${account.name}.name}`)!;
      expect(binding.values).toEqual({
        role: 'roles/iam.workloadIdentityUser',
        service_account_id: `\${google_service_account.${account.name}.name}`,
        member: `principalSet://iam.googleapis.com/\${google_iam_workload_identity_pool.${poolOf(providerOf(id)).name}.name}/attribute.repository_id/700000001`,
      });
    }
  });

  const ciMember = (id: string) => `serviceAccount:${id}@ssx-platform.iam.gserviceaccount.com`;
  const WRITE = /\.(create|delete|update|undelete|patch|move|set[A-Z]\w*|actAs|getAccessToken|getOpenIdToken|signBlob|signJwt|publish|destroy|restore|invoke|enable|disable|attach|cancel|run|write|deploy|import|access)$/;

  it('the plan account holds no permission that changes anything (except taking the state lock)', () => {
    const planGrants = grants(stack).filter((g) => g.values.member === ciMember('ci-plan') && !g.values.condition);
    expect(planGrants.length).toBeGreaterThan(10);
    const custom = stack.ofType('google_organization_iam_custom_role');
    for (const g of planGrants) {
      const role = g.values.role as string;
      const declared = custom.find((c) => role.endsWith(`/roles/${c.values.role_id}`));
      const permissions = declared ? (declared.values.permissions as string[]) : rolePermissions(role);
      // bigquery.jobs.create: the BigQuery encryption account read (PLAN_CUSTOM_ROLE); no data without tables.getData.
      expect({ role, writes: permissions.filter((p) => WRITE.test(p) && p !== 'bigquery.jobs.create') }).toEqual({ role, writes: [] });
    }
    const conditional = grants(stack).filter((g) => g.values.member === ciMember('ci-plan') && g.values.condition);
    expect(conditional.map((g) => [g.type, g.values.role, (g.values.condition as any).expression])).toEqual([
      ['google_storage_bucket_iam_member', 'roles/storage.objectUser', 'resource.name.endsWith(".tflock")'],
    ]);
  });

  it('the deployers may write state; the plan account may only read it', () => {
    const onBucket = grants(stack).filter((g) => g.type === 'google_storage_bucket_iam_member');
    for (const id of ['ci-platform', ...tenantDeployers]) expect(onBucket.filter((g) => g.values.member === ciMember(id)).map((g) => g.values.role)).toEqual(['roles/storage.objectUser']);
    expect(onBucket.filter((g) => g.values.member === ciMember('ci-plan') && !g.values.condition).map((g) => g.values.role)).toEqual([
      'roles/storage.objectViewer',
    ]);
  });

  it('only organization policies and reads on the organization; a tenant deployer only finds tags there', () => {
    const orgLevel = grants(stack).filter((g) => g.type === 'google_organization_iam_member').map((g) => [g.values.member, g.values.role]);
    expect(orgLevel.sort()).toEqual(
      [
        [ciMember('ci-platform'), 'organizations/123456789012/roles/ssx_platform.ciTagPolicyReader'],
        [ciMember('ci-platform'), 'roles/iam.organizationRoleViewer'],
        [ciMember('ci-platform'), 'roles/orgpolicy.policyAdmin'],
        [ciMember('ci-platform'), 'roles/resourcemanager.tagViewer'],
        [ciMember('ci-plan'), 'organizations/123456789012/roles/ssx_platform.ciTagPolicyReader'],
        [ciMember('ci-plan'), 'roles/iam.organizationRoleViewer'],
        [ciMember('ci-plan'), 'roles/orgpolicy.policyViewer'],
        [ciMember('ci-plan'), 'roles/resourcemanager.tagViewer'],
        // Finding the offboarding tag value by name; binding it is granted on that value only.
        ...tenantDeployers.map((id) => [ciMember(id), 'roles/resourcemanager.tagViewer']),
      ].sort(),
    );
  });

  it.each(inUse)("the %s tenant deployer holds roles on its own tenant folder only (and the platform folder's image-pull grants), none on an audit folder", (j) => {
    const id = `ci-tenant-${j.toLowerCase()}`;
    const folders = new Set(grants(stack).filter((g) => g.type === 'google_folder_iam_member' && g.values.member === ciMember(id)).map((g) => g.values.folder));
    expect([...folders].sort()).toEqual([tenantFolder(j), platformFolder()].sort());
    const onPlatform = grants(stack).filter((g) => g.type === 'google_folder_iam_member' && g.values.member === ciMember(id) && g.values.folder === platformFolder());
    expect(onPlatform.map((g) => g.values.role)).toEqual([`organizations/123456789012/roles/ssx_platform.ciTenantImagePull`]);
    for (const k of inUse) expect(folders.has(auditFolder(k))).toBe(false);
  });

  it('no deployer holds Project IAM Admin without the condition limiting the roles it grants, nor any folder IAM policy write', () => {
    const ci = grants(stack).filter((g) => String(g.values.member).startsWith('serviceAccount:ci-'));
    for (const g of ci.filter((x) => x.values.role === 'roles/resourcemanager.projectIamAdmin')) {
      expect((g.values.condition as any).expression).toMatch(/^api\.getAttribute\('iam\.googleapis\.com\/modifiedGrantsByRole', \[\]\)\.hasOnly\(\[/);
    }
    const custom = stack.ofType('google_organization_iam_custom_role');
    const perms = (role: string) => custom.find((c) => role.endsWith(`/roles/${c.values.role_id}`))?.values.permissions as string[] | undefined ?? rolePermissions(role);
    const setsFolderIam = ci.filter((g) => perms(g.values.role as string).includes('resourcemanager.folders.setIamPolicy'));
    expect(setsFolderIam.map((g) => g.address)).toEqual([]);
  });

  it('no deployer can read a secret value (SEC-3: only the workload that mounts a secret reads it)', () => {
    const ci = grants(stack).filter((g) => String(g.values.member).startsWith('serviceAccount:ci-'));
    expect(ci.filter((g) => rolePermissions(g.values.role as string).includes('secretmanager.versions.access')).map((g) => g.address)).toEqual([]);
  });

  it('refuses a repository, branch or id that could break out of the attribute condition', () => {
    const app = scratch();
    const stateBucket = new TerraformStateBucket(app, 's', { projectId: 'p', name: 'b', jurisdiction: 'EEA' });
    const props = {
      projectId: 'ssx-platform',
      repository: 'smart-segments/platform',
      repositoryId: '700000001',
      repositoryOwnerId: '90000001',
      mainBranch: 'main',
      githubEnvironment: 'production',
      organizationId: '1',
      billingAccount: env.platform.billingAccount,
      platformFolder: 'folders/1',
      auditFolders: [],
      tenantFolders: [],
      stateBucket,
    };
    expect(() => new CiDeployerIdentity(app, 'a', { ...props, repository: "x/y' || true || '" })).toThrow(/must be "owner\/name"/);
    expect(() => new CiDeployerIdentity(app, 'b', { ...props, mainBranch: "main' || true || '" })).toThrow(/not a plain branch name/);
    expect(() => new CiDeployerIdentity(app, 'c', { ...props, repositoryId: "1' || true || '" })).toThrow(/repositoryId .* must be GitHub's numeric id/);
    expect(() => new CiDeployerIdentity(app, 'd', { ...props, githubEnvironment: "prod' || '" })).toThrow(/GitHub environment/);
  });
});

describe('BRE-1: breach detection reaches the security contact', () => {
  it.each(['EEA', 'UK', 'CH', 'AU'] as Jurisdiction[])('%s has its detectors on its audit bucket, each alerting the security contact by email', (j) => {
    const projectId = auditLogProjectId(env.platform, j);
    const bucket = stack.ofType('google_logging_project_bucket_config').find((b) => b.values.project === projectId)!;
    const metrics = stack.ofType('google_logging_metric').filter((m) => m.values.project === projectId);
    expect(metrics.map((m) => m.values.name).sort()).toEqual([
      'breach-audit-trail-change',
      'breach-guardrail-change',
      'breach-iam-policy-change',
      'breach-key-version-destruction',
      'breach-project-deletion',
      'breach-secret-version-added',
      'breach-service-account-key-creation',
      'breach-unexpected-secret-access',
    ]);
    for (const m of metrics) expect(m.values.bucket_name).toBe(`\${google_logging_project_bucket_config.${bucket.name}.id}`);
    const channels = stack.ofType('google_monitoring_notification_channel').filter((c) => c.values.project === projectId);
    expect(channels.map((c) => [c.values.type, (c.values.labels as any).email_address])).toEqual([['email', 'security@smartsegments.example']]);
    const alerts = stack.ofType('google_monitoring_alert_policy').filter((a) => a.values.project === projectId);
    expect(alerts).toHaveLength(8);
    for (const m of metrics) {
      const alert = alerts.find((a) => JSON.stringify(a.values.conditions).includes(`google_logging_metric.${m.name}.name`))!;
      expect(alert.values.notification_channels).toEqual([`\${google_monitoring_notification_channel.${channels[0].name}.name}`]);
      expect((alert.values.documentation as any).content).toContain('48 hours');
    }
  });

  const filterOf = (j: Jurisdiction, name: string) =>
    stack.ofType('google_logging_metric').find((m) => m.values.project === auditLogProjectId(env.platform, j) && m.values.name === name)!.values.filter as string;

  it('an IAM policy change by any principal alerts, the deployers too; the expected deployers are named in the alert', () => {
    expect(filterOf('EEA', 'breach-iam-policy-change')).toBe(
      'LOG_ID("cloudaudit.googleapis.com/activity") AND (protoPayload.methodName:"SetIamPolicy" OR protoPayload.metadata.datasetChange.bindingDeltas:*)',
    );
    const alert = stack.ofType('google_monitoring_alert_policy').find((a) => a.values.project === 'ssx-audit-eea' && String(a.values.display_name).includes('IAM policy changed'))!;
    for (const id of ['ci-platform', ...inUse.map((j) => `ci-tenant-${j.toLowerCase()}`)]) {
      expect((alert.values.documentation as any).content).toContain(`${id}@ssx-platform.iam.gserviceaccount.com`);
    }
  });

  it('changes to the audit trail and the guardrails, key destruction, secret versions added and project deletion alert', () => {
    expect(filterOf('EEA', 'breach-audit-trail-change')).toMatch(/google\.logging\.v2\.ConfigServiceV2\.UpdateSink.*DeleteExclusion.*AlertPolicyService\.DeleteAlertPolicy.*NotificationChannelService\.UpdateNotificationChannel/);
    expect(filterOf('EEA', 'breach-guardrail-change')).toMatch(/orgpolicy\.v2\.OrgPolicy\.UpdatePolicy.*google\.iam\.v2\.Policies\.DeletePolicy.*UpdateWorkloadIdentityPoolProvider/);
    expect(filterOf('UK', 'breach-key-version-destruction')).toContain('protoPayload.methodName:"DestroyCryptoKeyVersion"');
    expect(filterOf('UK', 'breach-secret-version-added')).toContain('google.cloud.secretmanager.v1.SecretManagerService.AddSecretVersion');
    expect(filterOf('CH', 'breach-project-deletion')).toContain('protoPayload.methodName:"DeleteProject"');
  });

  it('any attempt to create or upload a key alerts', () => {
    expect(filterOf('UK', 'breach-service-account-key-creation')).toBe(
      '(protoPayload.methodName="google.iam.admin.v1.CreateServiceAccountKey" OR protoPayload.methodName="google.iam.admin.v1.UploadServiceAccountKey")',
    );
  });

  it('a secret read by a principal that is no tenant workload account alerts; the filter names no tenant', () => {
    const eea = filterOf('EEA', 'breach-unexpected-secret-access');
    expect(eea).toBe(
      `protoPayload.serviceName="secretmanager.googleapis.com" AND protoPayload.methodName="google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion" AND NOT protoPayload.authenticationInfo.principalEmail=~"^(${TENANT_WORKLOAD_ACCOUNT_IDS.join('|')})@[a-z0-9-]+[.]iam[.]gserviceaccount[.]com$"`,
    );
    for (const t of env.tenants) expect(eea).not.toContain(t.projectId);
    for (const t of env.tenants) for (const id of runtimeAccountIds(t)) expect(TENANT_WORKLOAD_ACCOUNT_IDS).toContain(id);
    expect(filterOf('UK', 'breach-unexpected-secret-access')).toBe(eea);
  });

  it('refuses ids that would change the meaning of a tenant filter, and filters over the Cloud Logging limit', () => {
    expect(() => projectSecretAccessFilter('p") OR ("', ['x'])).toThrow(/is not a project or service account id/);
    expect(() => projectSecretAccessFilter('ssx-a', ['x|.*'])).toThrow(/is not a project or service account id/);
    const app = scratch();
    const channel = securityChannel(app, 'p', 'security@smartsegments.example', []);
    expect(() => breachDetector(app, 'long', 'x'.repeat(MAX_METRIC_FILTER_LENGTH + 1), { project: 'p', channel, dependsOn: [] }, { title: 't', what: 'w', check: 'c', entries: 'e' })).toThrow(
      new RegExp(`over Cloud Logging's ${MAX_METRIC_FILTER_LENGTH}`),
    );
    const auditLog = new CentralAuditLog(app, 'a', auditLogProps(app));
    expect(() => new BreachDetection(app, 'b1', { auditLog, securityEmail: 'not-an-email' })).toThrow(/is not an email address/);
  });

  it('security notices for every managed folder reach the security and legal contacts', () => {
    for (const folder of managedFolders()) {
      const contacts = stack.ofType('google_essential_contacts_contact').filter((c) => c.values.parent === folder);
      expect(contacts.map((c) => [c.values.email, c.values.notification_category_subscriptions])).toEqual([
        ['legal@smartsegments.example', ['LEGAL']],
        ['security@smartsegments.example', ['SECURITY', 'SUSPENSION', 'TECHNICAL_INCIDENTS']],
      ]);
    }
  });
});

describe('container registry', () => {
  it('lives in the platform jurisdiction default region, with immutable tags, where the configured images point', () => {
    const repo = stack.ofType('google_artifact_registry_repository')[0];
    expect(repo.values).toMatchObject({ project: 'ssx-platform', location: 'europe-west1', repository_id: 'relay', format: 'DOCKER', docker_config: { immutable_tags: true } });
    for (const image of Object.values(env.platform.images)) expect(image.startsWith('europe-west1-docker.pkg.dev/ssx-platform/relay/')).toBe(true);
  });

  it('is readable, on the repository only, by the accounts of every tenant folder, so every tenant workload account can pull', () => {
    const readers = stack.ofType('google_artifact_registry_repository_iam_member');
    expect(readers.every((r) => r.values.role === 'roles/artifactregistry.reader')).toBe(true);
    expect(readers.map((r) => r.values.member).sort()).toEqual(inUse.map((j) => folderServiceAccounts(tenantFolder(j, 'folder_id'))).sort());
    // Every runtime account of every tenant served lives in a project of one of those folders.
    for (const t of env.tenants.filter((x) => createsProject(x) && x.lifecycle.state !== 'handed-over')) {
      expect(runtimeAccountIds(t).length).toBeGreaterThan(0);
      expect(readers.map((r) => r.values.member)).toContain(folderServiceAccounts(tenantFolder(t.jurisdiction, 'folder_id')));
    }
    expect(folderServiceAccounts('123')).toBe('principalSet://cloudresourcemanager.googleapis.com/folders/123/type/ServiceAccount');
  });

  it('grants each reader once', () => {
    const app = scratch();
    const registry = new ContainerRegistry(app, 'r', { projectId: 'p-platform', jurisdiction: 'EEA' });
    registry.grantRead(serviceAccount('a@p.iam.gserviceaccount.com'));
    expect(() => registry.grantRead(serviceAccount('a@p.iam.gserviceaccount.com'))).toThrow(/already has read access/);
  });
});

describe('ISO-3: labels', () => {
  it('every labelable resource carries tenant, environment and the data-residency of where its data lives', () => {
    const checked = stack.resources.filter((r) => labelAttribute(r.type) !== undefined);
    expect(checked.length).toBeGreaterThan(10);
    for (const r of checked) {
      const labels = r.values[labelAttribute(r.type)!] as Record<string, string>;
      const auditJurisdiction = inUse.find((j) => r.values.project === auditLogProjectId(env.platform, j) || r.values.project_id === auditLogProjectId(env.platform, j));
      const residency = JURISDICTION_RULES[auditJurisdiction ?? 'EEA'].residencyLabel;
      expect({ address: r.address, labels }).toEqual({ address: r.address, labels: expect.objectContaining({ tenant: 'platform', environment: 'fixture', 'data-residency': residency }) });
    }
  });
});
