/**
 * The workload identity providers' trust conditions, read from the synthesized platform stack and
 * evaluated by a CEL implementation on GitHub Actions OIDC token claims
 * (docs.github.com/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect).
 * Google refuses a token whose attribute condition is false or fails to evaluate (a claim the token
 * lacks, such as `environment` outside an environment job): both count as refused here.
 */
import { evaluate } from '@marcbachmann/cel-js';
import { FIXTURE_PLATFORM_STACK, fixtureEnvironment, fixtureStack } from '../support/synth';

const env = fixtureEnvironment();
const stack = fixtureStack(FIXTURE_PLATFORM_STACK);
const ci = env.platform.ci;

/** Pool id -> the provider's attribute condition, as synthesized. */
const conditions = new Map(
  stack.ofType('google_iam_workload_identity_pool_provider').map((p) => [
    String(stack.resolveReference(p.values.workload_identity_pool_id)!.values.workload_identity_pool_id),
    String(p.values.attribute_condition),
  ]),
);
const tenantPools = env.platform.jurisdictions.map((j) => `ci-tenant-${j.toLowerCase()}`);
const applyPools = ['ci-platform', ...tenantPools];

type Claims = Record<string, string>;

/** A token of a job of this repository on main, in `workflow`, in the GitHub environment `environment`. */
function mainToken(workflow: string, environment: string | undefined, overrides: Claims = {}): Claims {
  const ref = `refs/heads/${ci.mainBranch}`;
  const claims: Claims = {
    iss: 'https://token.actions.githubusercontent.com',
    sub: environment ? `repo:${ci.repository}:environment:${environment}` : `repo:${ci.repository}:ref:${ref}`,
    repository: ci.repository,
    repository_id: ci.repositoryId,
    repository_owner: ci.repository.split('/')[0],
    repository_owner_id: ci.repositoryOwnerId,
    ref,
    ref_type: 'branch',
    event_name: 'push',
    workflow_ref: `${ci.repository}/.github/workflows/deploy.yml@${ref}`,
    job_workflow_ref: `${ci.repository}/.github/workflows/${workflow}@${ref}`,
    ...(environment ? { environment } : {}),
    ...overrides,
  };
  return claims;
}

/** Whether the provider of `pool` admits a token with `claims`. */
function admits(pool: string, claims: Claims): boolean {
  const condition = conditions.get(pool);
  if (!condition) throw new Error(`no provider for pool ${pool}`);
  try {
    return evaluate(condition, { assertion: claims }) === true;
  } catch {
    return false;
  }
}

const tenantJob = () => mainToken('terraform-stage.yml', 'production');
const platformJob = () => mainToken('terraform-stage.yml', 'production-platform');

describe('the trust conditions, evaluated on GitHub token claims', () => {
  it('are synthesized for the plan identity, the platform deployer and one tenant deployer per jurisdiction', () => {
    expect([...conditions.keys()].sort()).toEqual(['ci-plan', ...applyPools].sort());
  });

  it('admit main of this repository in the named workflow and environment', () => {
    for (const pool of tenantPools) expect({ pool, admitted: admits(pool, tenantJob()) }).toEqual({ pool, admitted: true });
    expect(admits('ci-platform', platformJob())).toBe(true);
    // The destroy job of deploy.yml and reconcile.yml are tenant deployers' workflows too; reconcile applies the platform.
    expect(admits('ci-tenant-eea', mainToken('deploy.yml', 'production', { event_name: 'workflow_dispatch' }))).toBe(true);
    expect(admits('ci-platform', mainToken('reconcile.yml', 'production-platform', { event_name: 'workflow_dispatch' }))).toBe(true);
  });

  it('admit the plan identity for a change request of this repository, on any branch, without an environment', () => {
    const pr = mainToken('terraform-stage.yml', undefined, { ref: 'refs/pull/42/merge', event_name: 'pull_request', job_workflow_ref: `${ci.repository}/.github/workflows/terraform-stage.yml@refs/pull/42/merge` });
    expect(admits('ci-plan', pr)).toBe(true);
    for (const pool of applyPools) expect({ pool, admitted: admits(pool, pr) }).toEqual({ pool, admitted: false });
  });

  it('refuse a fork', () => {
    const fork = { repository: 'mallory/platform', repository_id: '800000009', repository_owner: 'mallory', repository_owner_id: '90000009' };
    for (const pool of ['ci-plan', ...applyPools]) {
      expect({ pool, admitted: admits(pool, { ...tenantJob(), ...fork }) }).toEqual({ pool, admitted: false });
      expect({ pool, admitted: admits(pool, { ...platformJob(), ...fork }) }).toEqual({ pool, admitted: false });
    }
  });

  it('refuse a repository of the same name with another id (deleted and re-created, or a transferred name)', () => {
    for (const pool of ['ci-plan', ...applyPools]) {
      expect({ pool, admitted: admits(pool, { ...tenantJob(), repository_id: '700000002' }) }).toEqual({ pool, admitted: false });
      expect({ pool, admitted: admits(pool, { ...platformJob(), repository_owner_id: '90000002' }) }).toEqual({ pool, admitted: false });
    }
  });

  it('refuse another branch', () => {
    const branch = { ref: 'refs/heads/feature', job_workflow_ref: `${ci.repository}/.github/workflows/terraform-stage.yml@refs/heads/feature` };
    for (const pool of tenantPools) expect(admits(pool, { ...tenantJob(), ...branch })).toBe(false);
    expect(admits('ci-platform', { ...platformJob(), ...branch })).toBe(false);
    // The workflow file of main, run for another ref, is refused too.
    expect(admits('ci-platform', { ...platformJob(), ref: 'refs/heads/feature' })).toBe(false);
  });

  it('refuse another workflow file, even on main in the right environment', () => {
    for (const file of ['evil.yml', 'drift.yml', 'canary.yml']) {
      for (const pool of tenantPools) expect({ pool, file, admitted: admits(pool, mainToken(file, 'production')) }).toEqual({ pool, file, admitted: false });
      expect({ file, admitted: admits('ci-platform', mainToken(file, 'production-platform')) }).toEqual({ file, admitted: false });
    }
    // deploy.yml may destroy an offboarded tenant's stack, never apply the platform.
    expect(admits('ci-platform', mainToken('deploy.yml', 'production-platform'))).toBe(false);
    // The workflow file of another repository, called from ours, is refused.
    expect(admits('ci-tenant-eea', { ...tenantJob(), job_workflow_ref: `mallory/actions/.github/workflows/terraform-stage.yml@refs/heads/main` })).toBe(false);
  });

  it('refuse a pull_request_target run, which runs with a change request at hand', () => {
    for (const pool of ['ci-plan', ...applyPools]) {
      expect({ pool, admitted: admits(pool, { ...tenantJob(), event_name: 'pull_request_target' }) }).toEqual({ pool, admitted: false });
      expect({ pool, admitted: admits(pool, { ...platformJob(), event_name: 'pull_request_target' }) }).toEqual({ pool, admitted: false });
    }
  });

  it('refuse the wrong environment: the platform deployer outside its protected environment, a tenant deployer in the platform one, and no environment', () => {
    expect(admits('ci-platform', tenantJob())).toBe(false);
    for (const pool of tenantPools) expect(admits(pool, platformJob())).toBe(false);
    for (const pool of applyPools) expect(admits(pool, mainToken('terraform-stage.yml', undefined))).toBe(false);
    expect(admits('ci-tenant-uk', mainToken('terraform-stage.yml', 'staging'))).toBe(false);
  });

  it('bind each deployer account to its own pool for this repository id only (the attribute the provider maps)', () => {
    for (const p of stack.ofType('google_iam_workload_identity_pool_provider')) {
      expect((p.values.attribute_mapping as Record<string, string>)['attribute.repository_id']).toBe('assertion.repository_id');
    }
    for (const b of stack.ofType('google_service_account_iam_member')) {
      expect(String(b.values.member)).toMatch(new RegExp(`/attribute\\.repository_id/${ci.repositoryId}$`));
    }
  });
});
