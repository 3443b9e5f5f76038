/**
 * DEP-DRS: a platform stack whose domain-restricted sharing would refuse the Google-managed
 * identities it (or the tenant stacks) grant roles to is rejected, naming the resource; the real
 * platform stack, and a minimal stack built the same way, are accepted.
 */
import { Testing, type TerraformStack } from 'cdktf';
import { Folder } from '@cdktf/provider-google/lib/folder';
import { LoggingFolderSink } from '@cdktf/provider-google/lib/logging-folder-sink';
import { OrgPolicyPolicy } from '@cdktf/provider-google/lib/org-policy-policy';
import { Project } from '@cdktf/provider-google/lib/project';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { depDrs, isGoogleManagedMember } from '../../compliance/deployability/checks/dep-drs';
import type { DeployContext } from '../../compliance/deployability/check';
import type { Finding } from '../../compliance/rule';
import { synthesizeStack } from '../../compliance/synth-gate';
import type { EnvironmentConfig } from '../../config/loader';
import { PlatformStack } from '../../stacks/platform-stack';
import { barePlatformStack } from '../compliance/support';
import { fixtureEnvironment } from '../support/synth';

function run(stack: TerraformStack, environment: EnvironmentConfig): Finding[] {
  const synthesized = synthesizeStack(stack);
  const context: DeployContext = { stack: synthesized, kind: 'platform', environment, platform: synthesized };
  return depDrs.check(context);
}

const violations = (findings: Finding[]) => findings.flatMap((f) => (f.status === 'non-compliant' ? [f] : []));

/** A folder with a logging project and one folder sink whose writer identity is granted in it, with the folder's policies as given. */
function sinkUnderFolder(policies: 'legacy-restricting' | 'managed-ordered' | 'managed-unordered' | 'none') {
  const { stack, env } = barePlatformStack();
  const folder = new Folder(stack, 'eea', { parent: 'organizations/123456789012', displayName: 'fixture-eea', deletionProtection: true });
  const project = new Project(stack, 'audit', { projectId: 'ssx-audit-eea', name: 'Audit logs EEA', folderId: folder.folderId, billingAccount: env.platform.billingAccount });
  const sink = new LoggingFolderSink(stack, 'sink', {
    name: 'central-audit-log',
    folder: folder.name,
    destination: 'logging.googleapis.com/projects/ssx-audit-eea/locations/eu/buckets/central-audit',
    includeChildren: true,
  });
  const gates: OrgPolicyPolicy[] = [];
  if (policies === 'legacy-restricting') {
    new OrgPolicyPolicy(stack, 'legacy', {
      name: `${folder.name}/policies/iam.allowedPolicyMemberDomains`,
      parent: folder.name,
      spec: { inheritFromParent: false, rules: [{ values: { allowedValues: [env.platform.organization.directoryCustomerId] } }] },
    });
  } else if (policies !== 'none') {
    const managed = new OrgPolicyPolicy(stack, 'managed', {
      name: `${folder.name}/policies/iam.managed.allowedPolicyMembers`,
      parent: folder.name,
      spec: { rules: [{ enforce: 'TRUE', parameters: JSON.stringify({ allowedPrincipalSets: ['//cloudresourcemanager.googleapis.com/organizations/123456789012'] }) }] },
    });
    const legacy = new OrgPolicyPolicy(stack, 'legacy', {
      name: `${folder.name}/policies/iam.allowedPolicyMemberDomains`,
      parent: folder.name,
      spec: { inheritFromParent: false, rules: [{ allowAll: 'TRUE' }] },
      dependsOn: [managed],
    });
    gates.push(managed, legacy);
  }
  new ProjectIamMember(stack, 'writer', {
    project: project.projectId,
    role: 'roles/logging.bucketWriter',
    member: sink.writerIdentity,
    dependsOn: policies === 'managed-ordered' ? gates : [],
  });
  return { stack, env };
}

describe('DEP-DRS: domain-restricted sharing admits the Google-managed identities granted under it', () => {
  it('accepts the real platform stack of the example environment', () => {
    const env = fixtureEnvironment();
    const findings = run(new PlatformStack(Testing.app(), { environment: env }), env);
    expect(violations(findings)).toEqual([]);
    // Every sink writer grant is judged, and found to wait for its folder's policies.
    // Five folder sinks of the tenant and platform folders, and one per audit folder (four).
    expect(findings.filter((f) => f.status === 'compliant' && f.address.startsWith('google_project_iam_member.')).length).toBe(9);
  });

  it('rejects the legacy constraint restricted to the directory, naming the policy and the refused writer identity', () => {
    const { stack, env } = sinkUnderFolder('legacy-restricting');
    const found = violations(run(stack, env));
    expect(found).toHaveLength(1);
    expect(found[0].address).toBe('google_org_policy_policy.legacy');
    expect(found[0].problem).toMatch(/Google-managed identities belong to no directory, so the grants to \$\{google_logging_folder_sink\.sink\.writer_identity\}/);
    expect(found[0].fix).toMatch(/iam\.managed\.allowedPolicyMembers/);
  });

  it('rejects a folder that does not lift the legacy constraint an organization may enforce', () => {
    const { stack, env } = sinkUnderFolder('none');
    const found = violations(run(stack, env));
    expect(found.map((f) => f.address)).toEqual(['google_folder.eea']);
    expect(found[0].problem).toMatch(/does not lift iam\.allowedPolicyMemberDomains/);
  });

  it('rejects a grant to a sink writer that does not wait for the folder policies; accepts it when it does', () => {
    const unordered = sinkUnderFolder('managed-unordered');
    const found = violations(run(unordered.stack, unordered.env));
    expect(found.map((f) => f.address)).toEqual(['google_project_iam_member.writer']);
    expect(found[0].problem).toMatch(/without waiting for google_org_policy_policy\.managed and google_org_policy_policy\.legacy|without waiting for google_org_policy_policy\.legacy and google_org_policy_policy\.managed/);

    const ordered = sinkUnderFolder('managed-ordered');
    const findings = run(ordered.stack, ordered.env);
    expect(violations(findings)).toEqual([]);
    expect(findings).toContainEqual(expect.objectContaining({ status: 'compliant', address: 'google_project_iam_member.writer' }));
  });

  it('rejects a managed policy that leaves out the organization principal set', () => {
    const { stack, env } = sinkUnderFolder('managed-ordered');
    (stack.node.findChild('managed') as OrgPolicyPolicy).addOverride(
      'spec.rules.0.parameters',
      JSON.stringify({ allowedPrincipalSets: ['//cloudresourcemanager.googleapis.com/organizations/555555555555'] }),
    );
    const found = violations(run(stack, env));
    expect(found.map((f) => f.address)).toContain('google_org_policy_policy.managed');
  });

  it('knows Google-managed identities from the stacks, and not workload accounts or groups', () => {
    for (const m of [
      'serviceAccount:service-123@gcp-sa-pubsub.iam.gserviceaccount.com',
      'serviceAccount:service-123@serverless-robot-prod.iam.gserviceaccount.com',
      'serviceAccount:service-folder-123@gcp-sa-logging.iam.gserviceaccount.com',
      'serviceAccount:bq-123@bigquery-encryption.iam.gserviceaccount.com',
      '${google_logging_folder_sink.x.writer_identity}',
      'serviceAccount:${data.google_bigquery_default_service_account.x.email}',
    ]) {
      expect({ m, managed: isGoogleManagedMember(m) }).toEqual({ m, managed: true });
    }
    for (const m of ['serviceAccount:ingest-webhook@ssx-a.iam.gserviceaccount.com', 'group:security-responders@smartsegments.example']) {
      expect({ m, managed: isGoogleManagedMember(m) }).toEqual({ m, managed: false });
    }
  });
});
