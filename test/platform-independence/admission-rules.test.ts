/**
 * BRE-1 and IAM-7 judge where per-tenant facts now live: contact domains and a handover's customer
 * organization are admitted on the tenant's own project (never on a folder), and each tenant project
 * watches its own secrets. A stack broken here is rejected, the stack as built is accepted.
 */
import { Testing } from 'cdktf';
import type { OrgPolicyPolicy } from '@cdktf/provider-google/lib/org-policy-policy';
import type { EnvironmentConfig } from '../../config/loader';
import type { TenantInput } from '../../config/schema';
import { synthesizeStack } from '../../compliance/synth-gate';
import { PlatformStack } from '../../stacks/platform-stack';
import { TenantStack } from '../../stacks/tenant-stack';
import { OrganizationPolicies } from '../../constructs/organization-policies';
import { expectAccepted, expectRejected, findResource, runRule } from '../compliance/support';
import { fixtureTenants, handoverOf, writeEnvironment, type TempEnvironment } from './environment-builder';

const made: TempEnvironment[] = [];
function environmentOf(tenants: readonly TenantInput[]): EnvironmentConfig {
  const env = writeEnvironment(tenants);
  made.push(env);
  return env.environment;
}
afterAll(() => made.forEach((e) => e.remove()));

const inHandover = (t: TenantInput): TenantInput => (t.id === 'bern-park' ? { ...t, lifecycle: { state: 'handover-prepare', handover: handoverOf(3) } } : t);
let env: EnvironmentConfig;
let handoverEnv: EnvironmentConfig;
beforeAll(() => {
  env = environmentOf(fixtureTenants());
  handoverEnv = environmentOf(fixtureTenants().map(inHandover));
});

const tenantStack = (e: EnvironmentConfig, id: string) => new TenantStack(Testing.app(), { environment: e, tenant: e.tenants.find((t) => t.id === id)! });
const check = (ruleId: string, stack: TenantStack | PlatformStack, e: EnvironmentConfig) => runRule(ruleId, synthesizeStack(stack), e);
const inPath = (part: string) => (r: { node: { path: string } }) => r.node.path.includes(part);
/** Replaces the project's contact-domain admission (array overrides merge element-wise, so the spec is set whole). */
const admitOnly = (stack: TenantStack, values: string[]) =>
  (findResource(stack, 'google_org_policy_policy', inPath('allowed-contact-domains')) as OrgPolicyPolicy).putSpec({
    inheritFromParent: true,
    rules: [{ values: { allowedValues: values } }],
  });

describe("BRE-1 on a tenant stack: contact domains admitted on the project, the project's own secret detector", () => {
  it("accepts the tenant stack as built (a privacy contact in a domain of its own)", () => {
    expectAccepted(check('BRE-1', tenantStack(env, 'baltic-bowl'), env));
  });

  it("rejects a contact whose domain the project does not admit", () => {
    const stack = tenantStack(env, 'baltic-bowl');
    admitOnly(stack, ['@smartsegments.test']);
    const outcome = check('BRE-1', stack, env);
    expectRejected(outcome, 'BRE-1', stack.node.id, 'privacy@balticbowl-legal.test');
    expect(outcome.violations.join('\n')).toContain('balticbowl-legal.test');
  });

  it('rejects a contact created without waiting for the admission of its domain', () => {
    const stack = tenantStack(env, 'baltic-bowl');
    const contact = findResource(stack, 'google_essential_contacts_contact', inPath('privacy-balticbowl-legal-test'));
    // EssentialContacts orders each contact after [its API, the project's admission]: keep the API only.
    expect(contact.dependsOn).toHaveLength(2);
    contact.dependsOn = contact.dependsOn!.slice(0, 1);
    expectRejected(check('BRE-1', stack, env), 'BRE-1', stack.node.id, 'does not wait for');
  });

  it("rejects a project admitting a domain that is neither the tenant's nor Smart Segments'", () => {
    const stack = tenantStack(env, 'leeds-climb');
    admitOnly(stack, ['@leedsclimb.test', '@smartsegments.test', '@gmail.com']);
    expectRejected(check('BRE-1', stack, env), 'BRE-1', stack.node.id, 'gmail.com');
  });

  it('rejects a project without its secret-access detector, and one whose alert notifies nobody', () => {
    const missing = tenantStack(env, 'perth-play');
    missing.node.tryRemoveChild('secret-access-detection');
    expectRejected(check('BRE-1', missing, env), 'BRE-1', missing.node.id, 'counts secret reads');

    const silent = tenantStack(env, 'perth-play');
    findResource(silent, 'google_monitoring_alert_policy', inPath('secret-access-detection')).addOverride('notification_channels', undefined);
    expectRejected(check('BRE-1', silent, env), 'BRE-1', silent.node.id, 'does not notify');
  });

  it("rejects a detector whose filter lists another tenant's project", () => {
    const stack = tenantStack(env, 'perth-play');
    const metric = findResource(stack, 'google_logging_metric', inPath('secret-access-detection'));
    const synthesized = synthesizeStack(tenantStack(env, 'perth-play')).ofType('google_logging_metric')[0];
    metric.addOverride('filter', `${String(synthesized.values.filter)} AND NOT protoPayload.authenticationInfo.principalEmail=~"^x@ssi-leeds-climb[.]iam"`);
    expectRejected(check('BRE-1', stack, env), 'BRE-1', stack.node.id, 'ssi-leeds-climb');
  });
});

describe("BRE-1 on the platform stack: folders admit exactly Smart Segments' contact domains; no central filter lists tenants", () => {
  const platform = (e: EnvironmentConfig) => new PlatformStack(Testing.app(), { environment: e });

  it('accepts the platform stack as built', () => {
    expectAccepted(check('BRE-1', platform(env), env));
  });

  it("rejects a folder admitting a tenant's contact domain", () => {
    const stack = platform(env);
    (stack.node.findChild('policies-uk') as OrganizationPolicies)
      .policy('essentialcontacts.allowedContactDomains')
      .addOverride('spec.rules.0.values.allowed_values', ['@leedsclimb.test', '@smartsegments.test']);
    expectRejected(check('BRE-1', stack, env), 'BRE-1', stack.node.id, 'policies-uk');
  });

  it("rejects a central secret filter listing a tenant's project", () => {
    const stack = platform(env);
    findResource(stack, 'google_logging_metric', (r) => r.node.path.includes('breach-detection-eea') && r.node.id.startsWith('unexpected-secret-access')).addOverride(
      'filter',
      'protoPayload.methodName="google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion" AND NOT logName:"projects/ssi-baltic-bowl/"',
    );
    expectRejected(check('BRE-1', stack, env), 'BRE-1', stack.node.id, 'breach-detection-eea');
  });
});

describe("IAM-7: a handover's customer organization is admitted on its project only", () => {
  const customerSet = `//cloudresourcemanager.googleapis.com/organizations/${handoverOf(3)!.customerOrganizationId}`;
  const ownSet = '//cloudresourcemanager.googleapis.com/organizations/210987654321';

  it('accepts the tenant stack in handover-prepare as built, with both organizations on the project', () => {
    expectAccepted(check('IAM-7', tenantStack(handoverEnv, 'bern-park'), handoverEnv));
  });

  it('rejects a tenant in handover whose project does not admit the customer organization', () => {
    const none = tenantStack(handoverEnv, 'bern-park');
    none.node.tryRemoveChild('handover-admission');
    expectRejected(check('IAM-7', none, handoverEnv), 'IAM-7', none.node.id, '(stack)');

    const ownOnly = tenantStack(handoverEnv, 'bern-park');
    findResource(ownOnly, 'google_org_policy_policy', inPath('handover-admission')).addOverride(
      'spec.rules.0.parameters',
      JSON.stringify({ allowedPrincipalSets: [ownSet] }),
    );
    expectRejected(check('IAM-7', ownOnly, handoverEnv), 'IAM-7', ownOnly.node.id, `without ${customerSet}`);
  });

  it("rejects a customer administration grant that does not wait for the project's admission", () => {
    const stack = tenantStack(handoverEnv, 'bern-park');
    const grant = findResource(stack, 'google_project_iam_member', inPath('handoff/customer-bigquery-admin'));
    // HandoverAdmission.admit appended the policy after the project: keep the project only.
    expect(grant.dependsOn).toHaveLength(2);
    grant.dependsOn = grant.dependsOn!.slice(0, 1);
    expectRejected(check('IAM-7', stack, handoverEnv), 'IAM-7', stack.node.id, 'without waiting for');
  });

  it('rejects a folder admitting the customer organization, even while its tenant is in handover', () => {
    const stack = new PlatformStack(Testing.app(), { environment: handoverEnv });
    expectAccepted(check('IAM-7', stack, handoverEnv));
    (stack.node.findChild('policies-ch') as OrganizationPolicies)
      .policy('iam.managed.allowedPolicyMembers')
      .addOverride('spec.rules.0.parameters', JSON.stringify({ allowedPrincipalSets: [ownSet, customerSet] }));
    expectRejected(check('IAM-7', stack, handoverEnv), 'IAM-7', stack.node.id, 'policies-ch');
  });
});
