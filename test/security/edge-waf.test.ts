/**
 * NET-1/waf on the real stacks: every public edge's Cloud Armor policy evaluates Google's
 * preconfigured WAF rules, enforced or in preview as platform.yaml `edge.waf` says, at its
 * sensitivity; a sensitivity outside 1-4 is refused.
 */
import { Testing } from 'cdktf';
import { blocks } from '../../compliance/json-blocks';
import { net1Waf } from '../../compliance/rules/net-1-public-edge';
import type { EnvironmentConfig } from '../../config/loader';
import { WAF_RULES, wafExpression } from '../../policy/edge-waf';
import { TenantStack } from '../../stacks/tenant-stack';
import { fixtureEnvironment, fixtureTenantStacks, makeTenant, synthStack } from '../support/synth';

const env = fixtureEnvironment();

function withWaf(mode: 'preview' | 'enforce', sensitivity: number): EnvironmentConfig {
  return { ...env, platform: { ...env.platform, edge: { waf: { mode, sensitivity } } } };
}

const wafRules = (policy: { values: Record<string, unknown> }) =>
  blocks(policy.values.rule).filter((r) => String(blocks(blocks(r.match)[0]?.expr)[0]?.expression ?? '').startsWith('evaluatePreconfiguredWaf('));

describe('the preconfigured WAF rules on every public edge (NET-1)', () => {
  const edges = [...fixtureTenantStacks().values()].filter((s) => s.has('google_compute_security_policy'));

  it('are enforced with 403 at sensitivity 1 on every fixture edge, before the path allowlist and the rate limit', () => {
    expect(edges.length).toBeGreaterThan(0);
    for (const stack of edges) {
      for (const policy of stack.ofType('google_compute_security_policy')) {
        const rules = wafRules(policy);
        expect(rules.map((r) => blocks(blocks(r.match)[0].expr)[0].expression)).toEqual(WAF_RULES.map((w) => wafExpression(w.name, 1)));
        for (const r of rules) expect([r.action, r.preview]).toEqual(['deny(403)', false]);
        const others = blocks(policy.values.rule).filter((r) => !rules.includes(r)).map((r) => Number(r.priority));
        expect(Math.max(...rules.map((r) => Number(r.priority)))).toBeLessThan(Math.min(...others));
      }
    }
  });

  it('follow edge.waf: preview only logs, at the configured sensitivity, and NET-1/waf agrees', () => {
    const environment = withWaf('preview', 3);
    const tenant = makeTenant({ id: 'waf-preview', populatedSecrets: ['source-roller'] }, environment);
    const stack = synthStack(new TenantStack(Testing.app(), { environment, tenant }));
    const [policy] = stack.ofType('google_compute_security_policy');
    const rules = wafRules(policy);
    expect(rules).toHaveLength(WAF_RULES.length);
    for (const r of rules) expect([r.preview, blocks(blocks(r.match)[0].expr)[0].expression]).toEqual([true, expect.stringContaining("{'sensitivity': 3}")]);
    const context = { stack, kind: 'tenant' as const, environment: { ...environment, tenants: [tenant] }, tenants: [tenant], tenant };
    expect(net1Waf.check(context as never).every((f) => f.status === 'compliant')).toBe(true);
    // The same stack judged against enforce mode is refused: the rule reads the config, not the stack.
    const enforced = { ...context, environment: { ...withWaf('enforce', 3), tenants: [tenant] } };
    expect(net1Waf.check(enforced as never).filter((f) => f.status === 'non-compliant')).toHaveLength(WAF_RULES.length);
  });

  it('refuse a sensitivity outside 1-4, naming the platform.yaml field', () => {
    for (const sensitivity of [0, 5]) {
      const environment = withWaf('enforce', sensitivity);
      const tenant = makeTenant({ id: 'waf-bad', populatedSecrets: ['source-roller'] }, environment);
      expect(() => synthStack(new TenantStack(Testing.app(), { environment, tenant }))).toThrow(/WAF sensitivity .* must be 1-4 \(platform\.yaml edge\.waf\.sensitivity/);
    }
  });
});
