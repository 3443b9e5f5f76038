/**
 * SEC-2 (DPA Annex II 2): every secret has rotation configured: a rotation period, and at least one
 * Pub/Sub topic (declared in the stack) that receives the rotation notices.
 */
import { needsCredentials } from '../scope';
import { findTarget } from '../grants';
import { block, blocks } from '../json-blocks';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable, type Finding } from '../rule';

export const sec2SecretRotation = defineCheck({
  id: 'SEC-2/secret-rotation',
  explanation: 'Every secret has a rotation period and a Pub/Sub topic for its rotation notices.',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const secrets = ctx.stack.ofType('google_secret_manager_secret', 'google_secret_manager_regional_secret');
    const findings: Finding[] = [];
    for (const s of secrets) {
      const rotation = block(s.values.rotation);
      const period = rotation?.rotation_period;
      const topics = blocks(s.values.topics);
      const topicResources = topics.map((t) =>
        findTarget(ctx.stack, 'google_pubsub_topic', typeof t.name === 'string' ? t.name : undefined),
      );
      const problems: string[] = [];
      if (typeof period !== 'string' || !/^\d+s$/.test(period)) problems.push('rotation.rotation_period is not set');
      if (topics.length === 0) problems.push('no topic receives its rotation notices');
      else if (topicResources.some((t) => t === undefined)) problems.push('a rotation topic is not a topic of this stack');
      if (problems.length > 0) {
        findings.push(
          nonCompliant(
            s.address,
            `${problems.join('; ')}.`,
            "give the secret a rotation period and the tenant's SecretRotationNotices topic (IntegrationSecret does both).",
          ),
        );
      } else {
        findings.push(
          compliant(
            s.address,
            `rotates every ${Number(String(period).slice(0, -1)) / 86400} days; notices to ${topicResources
              .map((t) => t!.address)
              .join(', ')}`,
          ),
        );
      }
    }
    const tenant = ctx.tenant;
    if (secrets.length === 0) {
      if (tenant && needsCredentials(tenant)) {
        return [
          nonCompliant(
            STACK_ADDRESS,
            "the tenant's integrations or conversion destinations need credentials, but the stack holds no Secret Manager secret to rotate.",
            'keep each credential in an IntegrationSecret, which rotates.',
          ),
        ];
      }
      return [notApplicable('the stack holds no secret')];
    }
    return findings;
  },
});

/** The checks of SEC-2, in the order the report lists them. */
export const sec2SecretRotationChecks = [sec2SecretRotation] as const;
