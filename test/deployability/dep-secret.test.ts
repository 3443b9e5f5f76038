import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import type { ResolvedTenant } from '../../config/loader';
import { bareTenantStack } from '../compliance/support';
import { PROJECT_ID } from './fixtures';
import { checkStack, expectAccepted, expectRejected } from './support';

function ingestStack(populatedSecrets?: string[]) {
  const bare = bareTenantStack();
  const secret = new SecretManagerSecret(bare.stack, 'roller-secret', { project: PROJECT_ID, secretId: 'roller-webhook', replication: { auto: {} } });
  new CloudRunV2Service(bare.stack, 'ingest', {
    project: PROJECT_ID,
    name: 'ingest-webhook',
    location: 'europe-west1',
    template: {
      containers: [
        {
          image: 'europe-docker.pkg.dev/ssx-platform/relay/ingest:1',
          env: [{ name: 'ROLLER_WEBHOOK_SECRET', valueSource: { secretKeyRef: { secret: secret.secretId, version: 'latest' } } }],
        },
      ],
    },
  });
  const tenant: ResolvedTenant = { ...bare.tenant, populatedSecrets: populatedSecrets ?? [] };
  return { ...bare, tenant };
}

describe('DEP-SECRET: workloads mount only secrets recorded as populated', () => {
  it('rejects a Cloud Run service mounting a secret the tenant file does not record (issue 9, failure 3), with the command that records it', () => {
    const { stack, env, tenant } = ingestStack();
    const outcome = checkStack('DEP-SECRET', stack, env, tenant);
    expectRejected(outcome, 'DEP-SECRET', stack.node.id, /google_cloud_run_v2_service\.ingest .*mounts secret "roller-webhook"/);
    expect(outcome.violations[0]).toContain(`npm run secrets -- --env ${env.name} --tenant ${tenant.id}`);
  });

  it('accepts the service once the secret is recorded in populatedSecrets', () => {
    const { stack, env, tenant } = ingestStack(['roller-webhook']);
    expectAccepted(checkStack('DEP-SECRET', stack, env, tenant));
  });

  it('rejects a secret volume of a recorded workload whose secret is not recorded', () => {
    const { stack, env, tenant } = ingestStack(['roller-webhook']);
    new CloudRunV2Service(stack, 'relay', {
      project: PROJECT_ID,
      name: 'relay',
      location: 'europe-west1',
      template: {
        containers: [{ image: 'europe-docker.pkg.dev/ssx-platform/relay/relay:1', volumeMounts: [{ name: 'creds', mountPath: '/creds' }] }],
        volumes: [{ name: 'creds', secret: { secret: 'meta-capi' } }],
      },
    });
    expectRejected(checkStack('DEP-SECRET', stack, env, tenant), 'DEP-SECRET', stack.node.id, /google_cloud_run_v2_service\.relay .*"meta-capi"/);
  });
});
