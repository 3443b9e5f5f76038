/** ENC-2 (DPA Annex II 1, 10.1): Customer Data stores under the tenant's own rotating keys, usable only by service agents. */
import { withLifecycle } from '../../../../config/loader';
import { enc2CustomerManagedKeys, enc2KeyRotation, enc2KeyUseGrants } from '../../../../compliance/rules/enc-2-customer-managed-keys';
import { ACME, stackJson, tableTenant, type CheckTable } from '../table';

type Resources = Record<string, Record<string, Record<string, unknown>>>;
const ENC_DEC = 'roles/cloudkms.cryptoKeyEncrypterDecrypter';
const BQ_AGENT = 'serviceAccount:bq-123456789012@bigquery-encryption.iam.gserviceaccount.com';
const KEY = '${google_kms_crypto_key.key.id}';
/** A key ring, a 90-day key, the BigQuery agent's grant on it, and whatever else is given. */
function keyed(more: Resources = {}, ring: Record<string, unknown> = {}, key: Record<string, unknown> = {}, grant: Record<string, unknown> = {}): ReturnType<typeof stackJson> {
  return stackJson({
    google_kms_key_ring: { ring: { name: 'acme', project: ACME.projectId, location: 'europe-west1', ...ring } },
    google_kms_crypto_key: { key: { name: 'k', key_ring: '${google_kms_key_ring.ring.id}', rotation_period: '7776000s', ...key } },
    google_kms_crypto_key_iam_member: { bq: { crypto_key_id: KEY, role: ENC_DEC, member: BQ_AGENT, ...grant } },
    ...more,
  });
}
const dataset = (values: Record<string, unknown> = {}) => ({
  google_bigquery_dataset: { ds: { dataset_id: 'ds', location: 'europe-west1', default_encryption_configuration: { kms_key_name: KEY }, depends_on: ['google_kms_crypto_key_iam_member.bq'], ...values } },
});
const customerProject = tableTenant({ warehouse: { mode: 'customer', projectId: 'acme-own-warehouse', provisionedBy: 'customer' } });
const handedOver = withLifecycle(ACME, { ...ACME.lifecycle, state: 'handed-over' });
const handover = tableTenant({
  warehouse: { mode: 'customer', projectId: 'acme-handover', provisionedBy: 'smart-segments' },
  lifecycle: {
    state: 'handover-prepare',
    handover: { customerOrganizationId: '987654321', customerBillingAccount: '01ABCD-23EF45-6789AC', customerOwnerGroup: 'owners@acme.example', customerDirectoryCustomerId: 'C02acme12' },
  },
});
const notOurs = [
  { name: "the customer's own project", tenant: customerProject, json: keyed(dataset()), reason: /is the customer's own \(HAND-2\)/ },
  { name: 'handed over', tenant: handedOver, json: keyed(dataset()), reason: /handed to the customer \(HAND-1\)/ },
];

export const ENC_2_TABLES: CheckTable[] = [
  {
    check: enc2CustomerManagedKeys,
    violating: [
      { name: 'a dataset with Google-managed keys', json: stackJson({ google_bigquery_dataset: { ds: { dataset_id: 'ds', location: 'europe-west1' } } }), address: 'google_bigquery_dataset.ds', problem: /^BigQuery dataset \(default encryption of its tables\) is encrypted with Google-managed keys/ },
      { name: 'a key of another project', json: keyed(dataset(), { project: 'ssx-other' }), problem: /its key \$\{google_kms_crypto_key\.key\.id\} is not in the tenant's project ssx-acme but in ssx-other/ },
      { name: 'a key by name in another project', json: stackJson({ google_storage_bucket: { b: { name: 'b', location: 'EUROPE-WEST1', encryption: { default_kms_key_name: 'projects/ssx-other/locations/europe-west1/keyRings/r/cryptoKeys/k' } } } }), address: 'google_storage_bucket.b', problem: /but in ssx-other/ },
      { name: 'a key named by something that is no key path', json: stackJson({ google_storage_bucket: { b: { name: 'b', location: 'europe-west1', encryption: { default_kms_key_name: 'my-key' } } } }), problem: /its key my-key is not in the tenant's project ssx-acme; its key is in KMS location \(unknown\)/ },
      { name: 'a key in another KMS location', json: keyed(dataset({ location: 'europe-west4' })), problem: /its key is in KMS location europe-west1, which does not match the data in europe-west4 \(expected europe-west4\)/ },
      { name: 'a topic spread over EU regions with a regional key', json: keyed({ google_pubsub_topic: { t: { name: 't', kms_key_name: KEY, message_storage_policy: { allowed_persistence_regions: ['europe-west1', 'europe-west4'] }, depends_on: ['google_kms_crypto_key_iam_member.bq'] } } }), problem: /\(expected europe\)/ },
      { name: 'data outside the jurisdiction', json: keyed(dataset({ location: 'US' })), problem: /no single KMS location covers those locations/ },
      { name: 'no service agent granted on the key', json: keyed(dataset(), {}, {}, { member: `serviceAccount:relay@${ACME.projectId}.iam.gserviceaccount.com` }), problem: /no service agent is granted encrypt\/decrypt on its key/ },
      { name: 'the store does not wait for the grant', json: keyed(dataset({ depends_on: undefined })), problem: /it does not wait for the service agent's grant on its key \(google_kms_crypto_key_iam_member\.bq\)/ },
      { name: 'a secret without replicas', json: stackJson({ google_secret_manager_secret: { s: { secret_id: 's', replication: { user_managed: { replicas: [] } } } } }), address: 'google_secret_manager_secret.s', problem: /has no storage location the rule can read/ },
      { name: 'a dataset with Google-managed keys: the fix names the KMS location', json: stackJson({ google_bigquery_dataset: { ds: { dataset_id: 'ds', location: 'europe-west1' } } }), fix: /^set default_encryption_configuration\.kms_key_name to the tenant's key in KMS location europe-west1 \(TenantKeys\.keyFor/ },
      { name: 'data outside the jurisdiction, no key: the fix names no KMS location', json: stackJson({ google_bigquery_dataset: { ds: { dataset_id: 'ds', location: 'US' } } }), fix: /^set default_encryption_configuration\.kms_key_name to the tenant's key \(TenantKeys\.keyFor/ },
      {
        name: 'a table inheriting from a dataset without a key: reported on the dataset only',
        json: stackJson({ google_bigquery_dataset: { ds: { dataset_id: 'ds', location: 'europe-west1' } }, google_bigquery_table: { t: { dataset_id: '${google_bigquery_dataset.ds.dataset_id}', table_id: 't' } } }),
        address: 'google_bigquery_dataset.ds',
        absent: /google_bigquery_table\.t/,
      },
      {
        name: "a table inheriting from a keyless dataset, beside a keyed dataset: not the other dataset's key",
        json: keyed({ ...dataset(), google_bigquery_dataset: { ds: dataset().google_bigquery_dataset.ds, bare: { dataset_id: 'bare', location: 'europe-west1' } }, google_bigquery_table: { t: { dataset_id: '${google_bigquery_dataset.bare.dataset_id}', table_id: 't' } } }),
        address: 'google_bigquery_dataset.bare',
        absent: /google_bigquery_table\.t/,
      },
      { name: 'a topic with a key but no storage policy', json: keyed({ google_pubsub_topic: { t: { name: 't', kms_key_name: KEY, depends_on: ['google_kms_crypto_key_iam_member.bq'] } } }), address: 'google_pubsub_topic.t', problem: /does not match the data in \(no locations\) \(no single KMS location/ },
      {
        name: "the service agent granted on another key only",
        json: keyed({ ...dataset(), google_kms_crypto_key: { key: { name: 'k', key_ring: '${google_kms_key_ring.ring.id}', rotation_period: '7776000s' }, other: { name: 'o', key_ring: '${google_kms_key_ring.ring.id}', rotation_period: '7776000s' } } }, {}, {}, { crypto_key_id: '${google_kms_crypto_key.other.id}' }),
        problem: /no service agent is granted encrypt\/decrypt on its key/,
      },
      {
        name: 'waiting for neither of two grants on its key (both named)',
        json: keyed({ ...dataset({ depends_on: undefined }), google_kms_crypto_key_iam_member: { bq: { crypto_key_id: KEY, role: ENC_DEC, member: BQ_AGENT }, bq2: { crypto_key_id: KEY, role: ENC_DEC, member: 'serviceAccount:service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com' } } }),
        problem: /\(google_kms_crypto_key_iam_member\.bq, google_kms_crypto_key_iam_member\.bq2\), so creating it can fail/,
      },
      { name: 'a table without a key whose dataset is outside the stack', json: stackJson({ google_bigquery_table: { t: { dataset_id: 'elsewhere', table_id: 't' } } }), address: 'google_bigquery_table.t' },
    ],
    compliant: [
      { name: 'a dataset under the regional key, waiting for its grant', json: keyed(dataset()), evidence: /^google_bigquery_dataset\.ds: BigQuery dataset \(default encryption of its tables, europe-west1\): encrypted with google_kms_crypto_key\.key in KMS europe-west1$/ },
      { name: 'waiting transitively, through another resource', json: keyed({ ...dataset({ depends_on: ['time_sleep.wait'] }), time_sleep: { wait: { depends_on: ['google_kms_crypto_key_iam_member.bq'] } } }) },
      { name: 'a bucket under a key named by its path in the tenant project', json: stackJson({ google_storage_bucket: { b: { name: 'b', location: 'EUROPE-WEST1', encryption: { default_kms_key_name: `projects/${ACME.projectId}/locations/europe-west1/keyRings/r/cryptoKeys/k` } } } }), evidence: /^google_storage_bucket\.b: Cloud Storage bucket \(objects, EUROPE-WEST1\): encrypted with projects\/ssx-acme\/locations\/europe-west1\/keyRings\/r\/cryptoKeys\/k in KMS europe-west1$/ },
      { name: 'a table inheriting its dataset key', json: keyed({ ...dataset(), google_bigquery_table: { t: { dataset_id: '${google_bigquery_dataset.ds.dataset_id}', table_id: 't' } } }), evidence: /^google_bigquery_table\.t: BigQuery table: encrypted with its dataset's default key/ },
      { name: 'an operational store without a key is not Customer Data', json: keyed({ ...dataset(), google_pubsub_topic: { notices: { name: 'notices', labels: { 'data-class': 'operational' } } } }) },
      {
        name: 'waiting for one of two service agent grants on its key',
        json: keyed({ ...dataset(), google_kms_crypto_key_iam_member: { bq: { crypto_key_id: KEY, role: ENC_DEC, member: BQ_AGENT }, bq2: { crypto_key_id: KEY, role: ENC_DEC, member: 'serviceAccount:service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com' } } }),
        evidence: /^google_bigquery_dataset\.ds: BigQuery dataset .*encrypted with google_kms_crypto_key\.key/,
      },
      {
        name: 'a table in an operational dataset is not judged here',
        json: keyed({ google_bigquery_dataset: { ds: dataset().google_bigquery_dataset.ds, ops: { dataset_id: 'ops', location: 'europe-west1', labels: { 'data-class': 'operational' } } }, google_bigquery_table: { t: { dataset_id: '${google_bigquery_dataset.ops.dataset_id}', table_id: 't' } } }),
        evidence: /^google_bigquery_dataset\.ds: /,
        absent: /google_bigquery_table\.t/,
      },
      { name: 'a topic over EU regions under a europe key', evidence: /\(messages, europe-west1, europe-west4\): encrypted with google_kms_crypto_key\.key in KMS europe$/, json: keyed({ google_pubsub_topic: { t: { name: 't', kms_key_name: KEY, message_storage_policy: { allowed_persistence_regions: ['europe-west1', 'europe-west4'] }, depends_on: ['google_kms_crypto_key_iam_member.bq'] } } }, { location: 'europe' }) },
    ],
    inapplicable: [...notOurs, { name: 'no store', json: keyed(), reason: /no Customer Data store/ }],
  },
  {
    check: enc2KeyRotation,
    violating: [
      { name: 'no rotation', json: keyed({}, {}, { rotation_period: undefined }), address: 'google_kms_crypto_key.key', problem: /^the key never rotates \(no rotation_period\)\./ },
      { name: 'one second over 90 days', json: keyed({}, {}, { rotation_period: '7776001s' }), problem: /^the key rotates only every 90 days\./, fix: /^set rotation_period to at most 7776000s \(90 days; TenantKeys does\)\.$/ },
      { name: 'an asymmetric key', json: keyed({}, {}, { purpose: 'ASYMMETRIC_SIGN' }), problem: /^purpose is ASYMMETRIC_SIGN/ },
    ],
    compliant: [
      { name: 'exactly 90 days', json: keyed(), evidence: /rotates every 90 days$/ },
      { name: 'ENCRYPT_DECRYPT written, 30 days', json: keyed({}, {}, { purpose: 'ENCRYPT_DECRYPT', rotation_period: '2592000s' }), evidence: /every 30 days/ },
    ],
    inapplicable: [...notOurs, { name: 'no key', json: stackJson(dataset()), reason: /the stack holds no key/ }],
  },
  {
    check: enc2KeyUseGrants,
    violating: [
      { name: 'encrypt/decrypt on the key ring', json: keyed({ google_kms_key_ring_iam_member: { r: { key_ring_id: '${google_kms_key_ring.ring.id}', role: ENC_DEC, member: BQ_AGENT } } }), address: 'google_kms_key_ring_iam_member.r', problem: /use every key of key ring/ },
      { name: 'encrypt/decrypt on the project', json: keyed({ google_project_iam_member: { p: { project: ACME.projectId, role: ENC_DEC, member: BQ_AGENT } } }), address: 'google_project_iam_member.p', problem: /use every key of project ssx-acme/ },
      { name: 'a workload on the key', json: keyed({}, {}, {}, { member: `serviceAccount:relay@${ACME.projectId}.iam.gserviceaccount.com` }), address: 'google_kms_crypto_key_iam_member.bq', problem: /which is not a Google service agent/ },
    ],
    compliant: [
      { name: "the customer's owner group on the project during a handover is left to IAM-1", tenant: handover, json: keyed({ google_project_iam_member: { o: { project: 'acme-handover', role: ENC_DEC, member: 'group:owners@acme.example' } } }, { project: 'acme-handover' }) },
      { name: "the BigQuery agent on the key", json: keyed(), evidence: /^google_kms_crypto_key_iam_member\.bq: roles\/cloudkms\.cryptoKeyEncrypterDecrypter on key google_kms_crypto_key\.key for service agent/ },
    ],
    inapplicable: [...notOurs, { name: 'no key use granted', json: stackJson(dataset()), reason: /grants no key use/ }],
  },
];
