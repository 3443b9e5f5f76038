/** Encryption rules (ENC-2, DEL-2): broken stacks rejected with the control id, compliant twins accepted. */
import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import { KmsKeyRingIamMember } from '@cdktf/provider-google/lib/kms-key-ring-iam-member';
import type { TenantStack } from '../../stacks/tenant-stack';
import type { EncryptionKey } from '../../constructs/tenant-keys';
import { check, expectAccepted, expectRejected, realTenantStack } from './support';

const conversion = { sources: ['roller' as const], conversionTracking: { enabled: true, destinations: ['meta' as const] } };
const offboarding = { lifecycle: { state: 'offboarding' as const, offboarding: { requested: '2025-03-01', removalConfirmed: false } } };

function key(stack: TenantStack, purpose: string): EncryptionKey {
  return stack.dataPlane.keys!.keys.find((k) => k.purpose === purpose)!;
}

describe('ENC-2: Customer Data stores use rotating keys of the tenant\'s own key ring, in the data\'s location', () => {
  it('accepts the tenant stack as built, with a finding per store, key and grant', () => {
    const { stack, env } = realTenantStack(conversion);
    const out = check('ENC-2', stack, env);
    expectAccepted(out);
    const text = out.compliant.join('\n');
    expect(text).toMatch(/BigQuery dataset .*encrypted with google_kms_crypto_key\.\S*warehouse-europe\S* in KMS europe/);
    expect(text).toMatch(/Firestore database .*eur3\): encrypted with .* in KMS europe/);
    expect(text).toMatch(/rotates every 90 days/);
  });

  it('rejects a dataset left on Google-managed keys', () => {
    const { stack, env } = realTenantStack();
    stack.dataPlane.warehouse.dataset.resetDefaultEncryptionConfiguration();
    expectRejected(check('ENC-2', stack, env), 'ENC-2', stack.node.id, 'google_bigquery_dataset.');
  });

  it('rejects a key in a location that does not match the data (a europe-west1 key for the EU dataset)', () => {
    const { stack, env } = realTenantStack();
    const ring = stack.dataPlane.keys!.node.findChild('ring-europe') as any;
    ring.addOverride('location', 'europe-west1');
    const out = check('ENC-2', stack, env);
    expectRejected(out, 'ENC-2', stack.node.id, 'google_bigquery_dataset.');
    expect(out.violations.join('\n')).toMatch(/KMS location europe-west1, which does not match the data in EU \(expected europe\)/);
  });

  it('rejects a key of another project', () => {
    const { stack, env } = realTenantStack();
    (stack.dataPlane.keys!.node.findChild('ring-europe-west1') as any).addOverride('project', 'someone-elses-project');
    expectRejected(check('ENC-2', stack, env), 'ENC-2', stack.node.id, 'google_secret_manager_secret.');
  });

  it('rejects a store that does not wait for its service agent\'s grant', () => {
    const { stack, env } = realTenantStack();
    stack.dataPlane.warehouse.dataset.dependsOn = [];
    const out = check('ENC-2', stack, env);
    expectRejected(out, 'ENC-2', stack.node.id, 'google_bigquery_dataset.');
    expect(out.violations.join('\n')).toMatch(/does not wait for the service agent's grant/);
  });

  it('rejects a key that never rotates, or rotates less often than every 90 days', () => {
    const never = realTenantStack();
    key(never.stack, 'pubsub').cryptoKey.resetRotationPeriod();
    expectRejected(check('ENC-2', never.stack, never.env), 'ENC-2', never.stack.node.id, 'google_kms_crypto_key.');

    const yearly = realTenantStack();
    key(yearly.stack, 'pubsub').cryptoKey.rotationPeriod = `${365 * 86400}s`;
    expect(check('ENC-2', yearly.stack, yearly.env).violations.join('\n')).toMatch(/rotates only every 365 days/);
  });

  it('rejects key use granted to a workload, or on a whole key ring', () => {
    const workload = realTenantStack();
    new KmsCryptoKeyIamMember(workload.stack, 'ingest-decrypts', {
      cryptoKeyId: key(workload.stack, 'warehouse').keyName,
      role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
      member: `serviceAccount:ingest-webhook@${workload.tenant.projectId}.iam.gserviceaccount.com`,
    });
    const out = check('ENC-2', workload.stack, workload.env);
    expectRejected(out, 'ENC-2', workload.stack.node.id, 'google_kms_crypto_key_iam_member.ingest-decrypts');
    expect(out.violations.join('\n')).toMatch(/not a Google service agent/);

    const ring = realTenantStack();
    new KmsKeyRingIamMember(ring.stack, 'ring-wide', {
      keyRingId: (ring.stack.dataPlane.keys!.node.findChild('ring-europe') as any).id,
      role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
      member: `serviceAccount:service-1@gcp-sa-pubsub.iam.gserviceaccount.com`,
    });
    expectRejected(check('ENC-2', ring.stack, ring.env), 'ENC-2', ring.stack.node.id, 'google_kms_key_ring_iam_member.ring-wide');
  });

  it("is not applicable in the customer's own project (HAND-2), where no key ring is created", () => {
    const { stack, env } = realTenantStack({ warehouse: { mode: 'customer', projectId: 'their-own-dwh', provisionedBy: 'customer' } });
    const out = check('ENC-2', stack, env);
    expect(out.violations).toEqual([]);
    // One not-applicable finding per ENC-2 check (stores, rotation, key-use grants).
    expect(out.statuses).toEqual(['not-applicable', 'not-applicable', 'not-applicable']);
  });
});

describe('DEL-2: offboarding destroys the keys, whose versions are gone within their scheduled-destruction period', () => {
  it('accepts a served tenant: every key protected like its stores, 7-day schedule', () => {
    const { stack, env } = realTenantStack(conversion);
    const out = check('DEL-2', stack, env);
    expectAccepted(out);
    expect(out.compliant.join('\n')).toMatch(/protected from destroy while the tenant is served; offboarding destroys it and its versions are gone 7\.0 days later/);
  });

  it('accepts an offboarding tenant and reports each key\'s destruction horizon', () => {
    const { stack, env } = realTenantStack({ ...conversion, ...offboarding });
    const out = check('DEL-2', stack, env);
    expectAccepted(out);
    expect(out.compliant.join('\n')).toMatch(/destroyed by the offboarding; its versions are gone 7\.0 days later, and with them every copy of google_bigquery_dataset\./);
  });

  it('rejects an offboarding tenant whose key is still protected from destroy', () => {
    const { stack, env } = realTenantStack(offboarding);
    key(stack, 'warehouse').cryptoKey.addOverride('lifecycle.prevent_destroy', true);
    const out = check('DEL-2', stack, env);
    expectRejected(out, 'DEL-2', stack.node.id, 'google_kms_crypto_key.');
    expect(out.violations.join('\n')).toMatch(/the tenant is offboarding, but lifecycle\.prevent_destroy keeps the key/);
  });

  it('rejects a key without a stated schedule (the 30-day default) or with one past 14 days', () => {
    const unset = realTenantStack();
    key(unset.stack, 'secrets').cryptoKey.resetDestroyScheduledDuration();
    expectRejected(check('DEL-2', unset.stack, unset.env), 'DEL-2', unset.stack.node.id, 'google_kms_crypto_key.');

    const long = realTenantStack();
    key(long.stack, 'secrets').cryptoKey.destroyScheduledDuration = `${30 * 86400}s`;
    expect(check('DEL-2', long.stack, long.env).violations.join('\n')).toMatch(/stay scheduled 30\.0 days/);
  });

  it('rejects a served tenant whose warehouse key could be destroyed while the warehouse itself is protected', () => {
    const { stack, env } = realTenantStack();
    key(stack, 'warehouse').cryptoKey.addOverride('lifecycle.prevent_destroy', false);
    const out = check('DEL-2', stack, env);
    expectRejected(out, 'DEL-2', stack.node.id, 'google_kms_crypto_key.');
    expect(out.violations.join('\n')).toMatch(/destroying this key would make google_bigquery_dataset\.\S+ unreadable/);
  });

  it('rejects a stack of the tenant\'s own project whose stores have no key to shred', () => {
    const { stack, env } = realTenantStack();
    for (const k of stack.dataPlane.keys!.keys) k.node.scope!.node.tryRemoveChild(k.node.id);
    stack.dataPlane.warehouse.dataset.resetDefaultEncryptionConfiguration();
    stack.dataPlane.warehouse.dataset.dependsOn = [];
    const out = check('DEL-2', stack, env);
    expectRejected(out, 'DEL-2', stack.node.id, '(stack)');
  });
});
