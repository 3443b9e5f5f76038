/**
 * DEP-REF, and the skipped cdktf preparing pass it keeps safe (stacks/self-contained-stack.ts): a
 * reference to another stack's resource, which cdktf would otherwise turn into a remote-state lookup,
 * stays a dangling `${type.name.attr}` and is refused at synthesis; a stack whose references all
 * name its own blocks passes, and so does every fixture stack.
 */
import { App, GcsBackend, Testing } from 'cdktf';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { PubsubSubscription } from '@cdktf/provider-google/lib/pubsub-subscription';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { SynthesizedStack } from '../../compliance/synthesized-stack';
import { SelfContainedStack } from '../../stacks/self-contained-stack';
import { bareTenantStack } from '../compliance/support';
import { fixtureEnvironment, fixtureStack, fixtureStackNames, fixtureTenantStackName } from '../support/synth';
import { checkStack, expectAccepted, expectRejected, runDeployCheck } from './support';

class Stack extends SelfContainedStack {}

describe('DEP-REF: every reference names a block of the same stack', () => {
  it("refuses a reference to another stack's resource, which the skipped preparing pass leaves dangling", () => {
    const env = fixtureEnvironment();
    const tenant = env.tenants[0];
    const app = new App({ outdir: Testing.app().outdir });
    const owner = new Stack(app, 'owner');
    new GcsBackend(owner, { bucket: env.platform.stateBucket.name, prefix: 'stacks/owner' });
    new GoogleProvider(owner, 'google', {});
    const topic = new PubsubTopic(owner, 'events', { name: 'events', project: tenant.projectId });
    const name = fixtureTenantStackName(tenant.id);
    const reader = new Stack(app, name);
    new GcsBackend(reader, { bucket: env.platform.stateBucket.name, prefix: `stacks/${name}` });
    new GoogleProvider(reader, 'google', {});
    new PubsubSubscription(reader, 'reader', { name: 'reader', topic: topic.id, project: tenant.projectId });
    app.synth();
    const synthesized = SynthesizedStack.parse(name, Testing.synth(reader));
    const subscription = synthesized.ofType('google_pubsub_subscription')[0];
    expect(subscription.values.topic).toMatch(/^\$\{google_pubsub_topic\.events[A-Za-z0-9_]*\.id\}$/);
    expectRejected(runDeployCheck('DEP-REF', synthesized, env, tenant), 'DEP-REF', name, /refers to google_pubsub_topic\.events[A-Za-z0-9_]*, which this stack does not declare/);
  });

  it('refuses a depends_on entry and a data reference that name nothing in the stack', () => {
    const bare = bareTenantStack();
    const topic = new PubsubTopic(bare.stack, 'topic', { project: 'ssx-rule-test', name: 'events' });
    topic.addOverride('depends_on', ['google_project.gone']);
    topic.addOverride('labels', { owner: '${data.google_project.missing.number}' });
    const outcome = checkStack('DEP-REF', bare.stack, bare.env, bare.tenant);
    expectRejected(outcome, 'DEP-REF', bare.stack.node.id, /refers to google_project\.gone, which this stack does not declare/);
    expect(outcome.violations.some((v) => v.includes('refers to data.google_project.missing'))).toBe(true);
  });

  it('accepts references to its own resources and data sources', () => {
    const bare = bareTenantStack();
    const project = new DataGoogleProject(bare.stack, 'project', { projectId: 'ssx-rule-test' });
    const topic = new PubsubTopic(bare.stack, 'topic', { project: project.projectId, name: 'events' });
    new PubsubSubscription(bare.stack, 'sub', { project: 'ssx-rule-test', name: 'sub', topic: topic.id, dependsOn: [topic] });
    const outcome = checkStack('DEP-REF', bare.stack, bare.env, bare.tenant);
    expectAccepted(outcome);
    expect(outcome.compliant[0]).toMatch(/2 references, each to a resource or data source of this stack/);
  });

  it('passes every stack of the fixture environment', () => {
    const env = fixtureEnvironment();
    for (const name of fixtureStackNames()) {
      const tenant = env.tenants.find((t) => fixtureTenantStackName(t.id) === name);
      expectAccepted(runDeployCheck('DEP-REF', fixtureStack(name), env, tenant));
    }
  });
});
