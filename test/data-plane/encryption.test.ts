/**
 * The tenant's own keys (ENC-2) and their destruction on offboarding (DEL-2), on the synthesized
 * example stacks and on test tenants in the states that change them.
 */
import { Testing, TerraformStack } from 'cdktf';
import { JURISDICTION_RULES } from '../../config/jurisdictions';
import type { SynthesizedResource, SynthesizedStack } from '../../compliance/synthesized-stack';
import { TenantKeys } from '../../constructs/tenant-keys';
import { TenantProject } from '../../constructs/tenant-project';
import { buildDeletionCertificate } from '../../scripts/lib/deletion-certificate';
import { makeTenant, synthTenant } from '../support/synth';
import { agentAddress, example } from './support';

const DAY = 24 * 60 * 60;

/** The key a `kms_key_name` points at, with its ring. */
function keyOf(s: SynthesizedStack, value: unknown): { key: SynthesizedResource; ring: SynthesizedResource } {
  const key = s.resolveReference(value);
  expect(key?.type).toBe('google_kms_crypto_key');
  const ring = s.resolveReference(key!.values.key_ring);
  expect(ring?.type).toBe('google_kms_key_ring');
  return { key: key!, ring: ring! };
}

/** Every Customer Data store of the stack with the KMS location and key name that encrypt it. */
function encryption(s: SynthesizedStack): Array<[string, string, string]> {
  const out: Array<[string, string, string]> = [];
  const add = (r: SynthesizedResource, what: string, value: unknown) => {
    const { key, ring } = keyOf(s, value);
    out.push([`${what} ${String(r.values.name ?? r.values.dataset_id ?? r.values.secret_id)}`, String(ring.values.location), String(key.values.name)]);
  };
  for (const d of s.ofType('google_bigquery_dataset')) add(d, 'dataset', (d.values.default_encryption_configuration as any)?.kms_key_name);
  for (const t of s.ofType('google_pubsub_topic').filter((x) => (x.values.labels as any)['data-class'] !== 'operational')) add(t, 'topic', t.values.kms_key_name);
  for (const sec of s.ofType('google_secret_manager_secret'))
    for (const r of (sec.values.replication as any).user_managed.replicas) add(sec, `secret@${r.location}`, r.customer_managed_encryption?.kms_key_name);
  for (const f of s.ofType('google_firestore_database')) add(f, 'firestore', (f.values.cmek_config as any)?.kms_key_name);
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}

describe('ENC-2: every Customer Data store is encrypted with a key of the tenant\'s own key ring, where the data is', () => {
  it('brightwave-leisure (EEA): EU dataset, eur3 Firestore and EU-wide topics use KMS europe; secrets their region', () => {
    const s = example('brightwave-leisure').synth;
    expect(encryption(s)).toEqual([
      ['dataset smart_segments', 'europe', 'warehouse'],
      ['firestore conversion-state', 'europe', 'firestore'],
      ['secret@europe-west4 conversion-google-ads', 'europe-west4', 'secrets'],
      ['secret@europe-west4 conversion-meta', 'europe-west4', 'secrets'],
      ['secret@europe-west4 integration-mailchimp', 'europe-west4', 'secrets'],
      ['secret@europe-west4 source-roller', 'europe-west4', 'secrets'],
      ['topic consent-withdrawals', 'europe', 'pubsub'],
      ['topic conversion-events', 'europe', 'pubsub'],
      ['topic conversion-events-dead-letter', 'europe', 'pubsub'],
      ['topic source-events', 'europe', 'pubsub'],
      ['topic source-events-dead-letter', 'europe', 'pubsub'],
    ]);
    // The EU topics keep every EEA region: KMS europe covers them all.
    for (const t of s.ofType('google_pubsub_topic'))
      expect((t.values.message_storage_policy as any).allowed_persistence_regions).toEqual(JURISDICTION_RULES.EEA.regions);
    // Rotation notices hold no Customer Data and keep Google-managed encryption.
    expect(s.ofType('google_pubsub_topic').find((t) => t.values.name === 'secret-rotation')!.values.kms_key_name).toBeUndefined();
  });

  it('thames-bowl (UK) keeps every key in London; harbour-play (AU) in Sydney, its encrypted topics in Sydney only', () => {
    expect(new Set(encryption(example('thames-bowl').synth).map((e) => e[1]))).toEqual(new Set(['europe-west2']));
    const au = example('harbour-play').synth;
    expect(new Set(encryption(au).map((e) => e[1]))).toEqual(new Set(['australia-southeast1']));
    // Cloud KMS has no Australian multi-region, so a topic stays where its key is.
    for (const t of au.ofType('google_pubsub_topic').filter((x) => x.values.kms_key_name))
      expect((t.values.message_storage_policy as any).allowed_persistence_regions).toEqual(['australia-southeast1']);
  });

  it.each(['alpen-sport', 'brightwave-leisure', 'harbour-play', 'lisboa-parque', 'thames-bowl'])(
    '%s: keys rotate every 90 days, are destroyed 7 days after offboarding, live in its project and need the Cloud KMS API',
    (id) => {
      const b = example(id);
      const s = b.synth;
      const keys = s.ofType('google_kms_crypto_key');
      expect(keys.length).toBeGreaterThan(0);
      for (const k of keys) {
        expect(k.values).toMatchObject({
          purpose: 'ENCRYPT_DECRYPT',
          rotation_period: `${90 * DAY}s`,
          destroy_scheduled_duration: `${7 * DAY}s`,
          lifecycle: { prevent_destroy: true },
          labels: expect.objectContaining({ tenant: id, 'data-residency': JURISDICTION_RULES[b.tenant.jurisdiction].residencyLabel }),
        });
      }
      const api = s.ofType('google_project_service').find((x) => x.values.service === 'cloudkms.googleapis.com')!;
      for (const ring of s.ofType('google_kms_key_ring')) {
        expect(ring.values.project).toBe(b.tenant.projectId);
        expect(ring.values.name).toBe(`customer-data-${String(ring.values.location)}`);
        expect(ring.values.depends_on).toContain(api.address);
      }
    },
  );

  it.each(['brightwave-leisure', 'harbour-play', 'thames-bowl'])(
    "%s: each key's encrypter/decrypter is the one service agent of its store, and every store waits for that grant",
    (id) => {
      const s = example(id).synth;
      const agents: Record<string, RegExp> = {
        warehouse: /^serviceAccount:\$\{data\.google_bigquery_default_service_account\.[^}]+\.email\}$/,
        pubsub: /@gcp-sa-pubsub\.iam\.gserviceaccount\.com$/,
        secrets: /@gcp-sa-secretmanager\.iam\.gserviceaccount\.com$/,
        firestore: /@gcp-sa-firestore\.iam\.gserviceaccount\.com$/,
      };
      const grants = s.ofType('google_kms_crypto_key_iam_member');
      for (const k of s.ofType('google_kms_crypto_key')) {
        const on = grants.filter((g) => s.resolveReference(g.values.crypto_key_id)?.address === k.address);
        expect(on.map((g) => g.values.role)).toEqual(['roles/cloudkms.cryptoKeyEncrypterDecrypter']);
        expect(agentAddress(s, String(on[0].values.member))).toMatch(agents[String(k.values.name)]);
      }
      // No key use anywhere else: not on a ring, not on the project.
      expect(s.ofType('google_kms_key_ring_iam_member', 'google_kms_key_ring_iam_binding', 'google_kms_crypto_key_iam_binding')).toEqual([]);
      expect(s.ofType('google_project_iam_member').filter((g) => String(g.values.role).startsWith('roles/cloudkms'))).toEqual([]);
      // Terraform creates the grant before the store that uses the key.
      const stores = [
        ...s.ofType('google_bigquery_dataset'),
        ...s.ofType('google_firestore_database'),
        ...s.ofType('google_secret_manager_secret'),
        ...s.ofType('google_pubsub_topic').filter((t) => t.values.kms_key_name),
      ];
      for (const store of stores) {
        const text = JSON.stringify(store.values);
        const keyAddress = /google_kms_crypto_key\.[A-Za-z0-9_-]+/.exec(text)![0];
        const grant = grants.find((g) => String(g.values.crypto_key_id).includes(keyAddress))!;
        expect({ store: store.address, waits: (store.values.depends_on as string[]).includes(grant.address) }).toEqual({ store: store.address, waits: true });
      }
    },
  );

  it("nordic-climb (the customer's own project, HAND-2): no key ring is created; its stores keep Google-managed encryption", () => {
    const s = example('nordic-climb').synth;
    expect(s.resources.filter((r) => r.type.startsWith('google_kms_'))).toEqual([]);
    expect(s.ofType('google_bigquery_dataset')[0].values.default_encryption_configuration).toBeUndefined();
    expect(() => {
      const stack = new TerraformStack(Testing.app(), 'x');
      const project = new TenantProject(stack, 'p', { projectId: 'their-own', ownership: 'customer' });
      new TenantKeys(stack, 'k', { project, jurisdiction: 'EEA', region: 'europe-west1' });
    }).toThrow(/belongs to the customer \(HAND-2\)/);
  });

  it('refuses a key location that does not cover the data, and a destroy schedule past 14 days', () => {
    const stack = new TerraformStack(Testing.app(), 'x');
    const project = new TenantProject(stack, 'p', { projectId: 'ss-keys-test', ownership: 'smart-segments', folderId: 'folders/1', billingAccount: '000000-000000-000000' });
    const keys = new TenantKeys(stack, 'k', { project, jurisdiction: 'AU', region: 'australia-southeast1' });
    expect(() => keys.keyFor('pubsub', ['australia-southeast1', 'australia-southeast2'])).toThrow(/no Cloud KMS location of jurisdiction AU covers/);
    expect(keys.keyFor('warehouse', ['australia-southeast1']).location).toBe('australia-southeast1');
    expect(() => new TenantKeys(stack, 'k2', { project, jurisdiction: 'AU', region: 'australia-southeast1', destroyScheduledDays: 30 })).toThrow(
      /destroyScheduledDays must be a whole number from 1 to 14/,
    );
  });
});

describe('DEL-2: offboarding destroys the keys; the certificate states when every copy is unreadable', () => {
  const offboarding = makeTenant({ id: 'leaving', lifecycle: { state: 'offboarding', offboarding: { requested: '2025-03-01', removalConfirmed: false } } });

  it('offboarding lifts every key protection; the schedule stays 7 days', () => {
    const s = synthTenant(offboarding);
    const keys = s.ofType('google_kms_crypto_key');
    expect(keys.map((k) => k.values.name).sort()).toEqual(['pubsub', 'secrets', 'warehouse']);
    for (const k of keys) expect(k.values).toMatchObject({ lifecycle: { prevent_destroy: false }, destroy_scheduled_duration: `${7 * DAY}s` });
  });

  it('the deletion certificate dates the crypto-shredding: deploy day + 7 days, inside the 14-day deadline', () => {
    const s = synthTenant(offboarding);
    const { certificate, problems } = buildDeletionCertificate({
      environment: 'fixture',
      tenant: offboarding,
      stack: s,
      stackSha256: '0'.repeat(64),
      requested: '2025-03-01',
      deployed: '2025-03-03',
    });
    expect(problems).toEqual([]);
    const keys = certificate.stores.filter((st) => st.category === 'key-material');
    expect(keys.map((k) => k.latestCopyDate)).toEqual(keys.map(() => '2025-03-10'));
    const statement = certificate.statements.find((x) => x.startsWith('Crypto-shredding (DEL-2)'))!;
    expect(statement).toMatch(/are destroyed by 2025-03-10; from then on every copy encrypted with them, backups included, is unreadable/);
    expect('2025-03-10' <= certificate.deadline).toBe(true);
  });

  it('handover: the warehouse key stays protected at transfer and leaves state with the warehouse at release; the other keys are destroyed', () => {
    const handover = {
      customerOrganizationId: '998877665544',
      customerBillingAccount: '0A0A0A-1B1B1B-2C2C2C',
      customerOwnerGroup: 'cloud-owners@takeover.example',
      customerDirectoryCustomerId: 'C0takeover',
    };
    const tenant = (state: 'handover-transfer' | 'handed-over') =>
      makeTenant({
        id: 'takeover',
        jurisdiction: 'CH',
        region: 'europe-west6',
        sources: ['revsport'],
        warehouse: { mode: 'customer', projectId: 'takeover-dwh', provisionedBy: 'smart-segments' },
        lifecycle: { state, handover },
      });
    const transfer = synthTenant(tenant('handover-transfer'));
    const protectedBy = Object.fromEntries(transfer.ofType('google_kms_crypto_key').map((k) => [k.values.name, (k.values.lifecycle as any).prevent_destroy]));
    expect(protectedBy).toEqual({ warehouse: true, pubsub: false, secrets: false });

    const release = synthTenant(tenant('handed-over'));
    const released = new Set(((release.json as any).removed as Array<{ from: string }>).map((r) => r.from));
    const addresses = (pick: (r: SynthesizedResource) => boolean) => transfer.resources.filter(pick).map((r) => r.address);
    const warehouseKey = transfer.ofType('google_kms_crypto_key').find((k) => k.values.name === 'warehouse')!;
    for (const a of [
      warehouseKey.address,
      ...addresses((r) => r.type === 'google_kms_key_ring'),
      ...addresses((r) => r.type === 'google_kms_crypto_key_iam_member' && String(r.values.crypto_key_id).includes(warehouseKey.name)),
    ])
      expect(released).toContain(a);
    for (const a of addresses((r) => r.type === 'google_kms_crypto_key' && r.values.name !== 'warehouse')) expect(released).not.toContain(a);
  });

});
