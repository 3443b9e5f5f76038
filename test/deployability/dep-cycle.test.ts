/**
 * DEP-CYCLE: no block of a stack waits for itself through interpolations and depends_on, which
 * Terraform refuses before it plans (compliance/deployability/checks/dep-cycle.ts).
 */
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { PubsubSubscription } from '@cdktf/provider-google/lib/pubsub-subscription';
import { bareTenantStack } from '../compliance/support';
import { cyclesOf } from '../../compliance/deployability/checks/dep-cycle';
import { DependencyGraph } from '../../compliance/deployability/graph';
import { SynthesizedStack } from '../../compliance/synthesized-stack';
import { FIXTURE_PLATFORM_STACK, fixtureEnvironment, fixtureStack, fixtureStackNames } from '../support/synth';
import { checkStack, expectAccepted, expectRejected, runDeployCheck } from './support';

/** A stack of bare resources whose depends_on entries are given per name. */
function graphOf(dependsOn: Record<string, string[]>): DependencyGraph {
  const resource = Object.fromEntries(Object.entries(dependsOn).map(([name, deps]) => [name, { name, depends_on: deps.map((d) => `google_pubsub_topic.${d}`) }]));
  return new DependencyGraph(new SynthesizedStack('graph-test', { resource: { google_pubsub_topic: resource } } as never));
}

describe('DEP-CYCLE: no dependency cycle in a stack', () => {
  it.each([
    ['no edge', { a: [], b: [] }, []],
    ['a chain', { a: ['b'], b: ['c'], c: [] }, []],
    ['a diamond', { a: ['b', 'c'], b: ['d'], c: ['d'], d: [] }, []],
    ['two blocks waiting for each other', { a: ['b'], b: ['a'] }, [['google_pubsub_topic.a', 'google_pubsub_topic.b']]],
    ['a loop of three beside a chain', { a: ['b'], b: ['c'], c: ['a'], d: ['a'] }, [['google_pubsub_topic.a', 'google_pubsub_topic.b', 'google_pubsub_topic.c']]],
    ['two separate loops', { a: ['b'], b: ['a'], c: ['d'], d: ['c'] }, [['google_pubsub_topic.a', 'google_pubsub_topic.b'], ['google_pubsub_topic.c', 'google_pubsub_topic.d']]],
    ['a reference to a block the stack does not have (DEP-REF)', { a: ['missing'] }, []],
  ])('finds the loops of %s', (_what, deps, expected) => {
    expect(cyclesOf(graphOf(deps))).toEqual(expected);
  });

  it('refuses a loop that a depends_on closes over an interpolation, naming the loop and the stack', () => {
    const bare = bareTenantStack();
    const topic = new PubsubTopic(bare.stack, 'topic', { name: 'events', project: bare.tenant.projectId });
    const subscription = new PubsubSubscription(bare.stack, 'subscription', { name: 'events-sub', project: bare.tenant.projectId, topic: topic.id });
    // What an aspect adding waits could do: the topic now waits for what reads it.
    topic.addOverride('depends_on', [`google_pubsub_subscription.${subscription.friendlyUniqueId}`]);
    const outcome = checkStack('DEP-CYCLE', bare.stack, bare.env, bare.tenant);
    expectRejected(outcome, 'DEP-CYCLE', bare.stack.node.id, new RegExp(`google_pubsub_subscription\\.${subscription.friendlyUniqueId} -> google_pubsub_topic\\.${topic.friendlyUniqueId} -> google_pubsub_subscription`));
    expect(outcome.violations.join('\n')).toContain('Error: Cycle');
  });

  it('accepts a stack whose blocks wait one way only', () => {
    const bare = bareTenantStack();
    const topic = new PubsubTopic(bare.stack, 'topic', { name: 'events', project: bare.tenant.projectId });
    const subscription = new PubsubSubscription(bare.stack, 'subscription', { name: 'events-sub', project: bare.tenant.projectId, topic: topic.id });
    new ProjectIamMember(bare.stack, 'grant', { project: bare.tenant.projectId, role: 'roles/pubsub.viewer', member: 'group:ops@example.com', dependsOn: [subscription] });
    const outcome = checkStack('DEP-CYCLE', bare.stack, bare.env, bare.tenant);
    expectAccepted(outcome);
    expect(outcome.compliant.some((c) => /no dependency cycle among the \d+ resources and data sources/.test(c))).toBe(true);
  });

  it("refuses the platform stack whose projects' owner removals each wait for every other's (the loop 4d6f0d8 mended)", () => {
    const platform = fixtureStack(FIXTURE_PLATFORM_STACK);
    const json = JSON.parse(JSON.stringify(platform.json)) as { resource: Record<string, Record<string, { depends_on?: string[] }>> };
    const removals = Object.keys(json.resource.google_project_iam_member_remove);
    expect(removals.length).toBeGreaterThan(1);
    for (const name of removals) {
      const others = removals.filter((n) => n !== name).map((n) => `google_project_iam_member_remove.${n}`);
      json.resource.google_project_iam_member_remove[name].depends_on = [...(json.resource.google_project_iam_member_remove[name].depends_on ?? []), ...others];
    }
    const outcome = runDeployCheck('DEP-CYCLE', new SynthesizedStack(platform.name, json as never), fixtureEnvironment());
    expectRejected(outcome, 'DEP-CYCLE', platform.name, /google_project_iam_member_remove\..+ -> google_project_iam_member_remove\./);
    expect(outcome.violations).toHaveLength(1);
    for (const name of removals) expect(outcome.violations[0]).toContain(`google_project_iam_member_remove.${name}`);
  });

  it('accepts every stack of the fixture environment', () => {
    const env = fixtureEnvironment();
    const names = fixtureStackNames();
    expect(names).toContain(FIXTURE_PLATFORM_STACK);
    for (const name of names) {
      const tenant = env.tenants.find((t) => name.endsWith(`-${t.id}`) && name !== FIXTURE_PLATFORM_STACK);
      expectAccepted(runDeployCheck('DEP-CYCLE', fixtureStack(name), env, tenant));
    }
  });
});
