import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { admitsOnlyAtLeast } from '../../compliance/deployability/checks/dep-tf-version';
import { bareTenantStack } from '../compliance/support';
import { checkStack, expectAccepted, expectRejected } from './support';

function stackWithRemovedBlock(requiredVersion?: string) {
  const bare = bareTenantStack();
  new PubsubTopic(bare.stack, 'topic', { project: 'ssx-rule-test', name: 'events' });
  bare.stack.addOverride('removed', [{ from: 'google_project.project_22F52B9F', lifecycle: { destroy: false } }]);
  if (requiredVersion) bare.stack.addOverride('terraform.required_version', requiredVersion);
  return bare;
}

describe('DEP-TF-VERSION: stacks declare the Terraform they need', () => {
  it('rejects a stack with a removed block and no required_version (issue 9, failure 8)', () => {
    const { stack, env, tenant } = stackWithRemovedBlock();
    expectRejected(checkStack('DEP-TF-VERSION', stack, env, tenant), 'DEP-TF-VERSION', stack.node.id, /\(stack\) .*no terraform\.required_version .*1 removed block\(s\), Terraform >= 1\.7/);
  });

  it('rejects a required_version that admits Terraform older than 1.7 for removed blocks', () => {
    const { stack, env, tenant } = stackWithRemovedBlock('>= 1.5');
    expectRejected(checkStack('DEP-TF-VERSION', stack, env, tenant), 'DEP-TF-VERSION', stack.node.id, /admits Terraform older than 1\.7/);
  });

  it('accepts >= 1.7 with removed blocks, and rejects a stack that declares nothing even without them', () => {
    const ok = stackWithRemovedBlock('>= 1.7');
    expectAccepted(checkStack('DEP-TF-VERSION', ok.stack, ok.env, ok.tenant));
    const plain = bareTenantStack();
    expectRejected(checkStack('DEP-TF-VERSION', plain.stack, plain.env, plain.tenant), 'DEP-TF-VERSION', plain.stack.node.id, '(stack)');
  });

  it('reads version constraints by their lowest admitted version', () => {
    expect(admitsOnlyAtLeast('>= 1.7', [1, 7, 0])).toBe(true);
    expect(admitsOnlyAtLeast('~> 1.9.0', [1, 7, 0])).toBe(true);
    expect(admitsOnlyAtLeast('>= 1.7.0, < 2.0.0', [1, 7, 0])).toBe(true);
    expect(admitsOnlyAtLeast('> 1.6', [1, 7, 0])).toBe(false);
    expect(admitsOnlyAtLeast('< 2.0', [1, 7, 0])).toBe(false);
    expect(admitsOnlyAtLeast('1.9.8', [1, 7, 0])).toBe(true);
    expect(admitsOnlyAtLeast('>= 1.1', [1, 7, 0])).toBe(false);
  });
});
