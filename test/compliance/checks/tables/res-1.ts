/** RES-1 (DPA 6.5, Annex II 13): data stays in its jurisdiction's locations; the provider's default region too. */
import { res1DataLocation, res1ProviderDefaultLocation } from '../../../../compliance/rules/res-1-data-location';
import { ACME, stackJson, tableTenant, type CheckTable } from '../table';

const UK = tableTenant({ jurisdiction: 'UK', region: 'europe-west2' });
const withProvider = (google: unknown) => stackJson({}, { provider: { google } as never });
const dataset = (values: Record<string, unknown>) => stackJson({ google_bigquery_dataset: { d: { dataset_id: 'd', project: ACME.projectId, ...values } } });
const secret = (replication: unknown) => stackJson({ google_secret_manager_secret: { s: { secret_id: 's', replication } } });

export const RES_1_TABLES: CheckTable[] = [
  {
    check: res1ProviderDefaultLocation,
    violating: [
      { name: 'London as the default region of an EEA tenant', json: withProvider([{ region: 'europe-west2' }]), address: 'provider.google', problem: /^the provider's default region "europe-west2" is outside EEA, so every resource that names no location lands outside it\.$/ },
      { name: 'a zone outside the jurisdiction', json: withProvider({ region: 'europe-west1', zone: 'us-central1-a' }), problem: /default zone "us-central1-a"/ },
      { name: 'an aliased provider', json: withProvider([{ region: 'europe-west1' }, { alias: 'us', region: 'us-central1' }]), address: 'provider.google.us' },
      { name: 'a second provider without alias', json: withProvider([{ region: 'europe-west1' }, { region: 'us-central1' }]), address: 'provider.google[1]' },
      { name: 'Belgium as the default region of a UK tenant', tenant: UK, json: withProvider([{ region: 'europe-west1' }]), problem: /outside UK/ },
      { name: 'platform: a US region', kind: 'platform', json: withProvider([{ region: 'us-east1' }]), problem: /outside EEA/ },
    ],
    compliant: [
      { name: 'an EEA region and zone', json: withProvider([{ region: 'europe-west1', zone: 'europe-west1-b' }]), evidence: /^provider\.google: default zone europe-west1-b is in EEA$/ },
      { name: 'London for a UK tenant', tenant: UK, json: withProvider([{ region: 'europe-west2' }]), evidence: /default region europe-west2 is in UK/ },
      { name: 'a provider object, not a list', json: withProvider({ region: 'europe-west1' }), evidence: /^provider\.google: default region europe-west1 is in EEA$/ },
    ],
    inapplicable: [
      { name: 'no provider', json: stackJson({}) },
      { name: 'a provider naming no region or zone', json: withProvider([{ project: ACME.projectId, region: 7 }]) },
    ],
  },
  {
    check: res1DataLocation,
    violating: [
      { name: 'a dataset without location (US multi-region)', json: dataset({}), address: 'google_bigquery_dataset.d', problem: /^location is not set: BigQuery creates the dataset in the US multi-region, which need not be in EEA\.$/ },
      { name: 'a dataset with an empty location', json: dataset({ location: '' }), problem: /location is not set/ },
      { name: 'a dataset with a null location', json: dataset({ location: null }), problem: /location is not set/ },
      { name: 'a topic without a storage policy', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), problem: /^message_storage_policy\.allowed_persistence_regions is not set/ },
      { name: 'a topic with an empty region list', json: stackJson({ google_pubsub_topic: { t: { name: 't', message_storage_policy: { allowed_persistence_regions: [] } } } }), problem: /is not set/ },
      { name: 'a topic whose storage policy is not an object', json: stackJson({ google_pubsub_topic: { t: { name: 't', message_storage_policy: 'europe-west1' } } }), problem: /is not set/ },
      { name: 'a dataset in the US', json: dataset({ location: 'US' }), problem: /^location = "US" is outside EEA\.$/ },
      { name: 'Zurich is not EEA', json: dataset({ location: 'europe-west6' }), problem: /location = "europe-west6" is outside EEA/ },
      { name: 'an expression', json: dataset({ location: '${var.location}' }), problem: /^location is the expression \$\{var\.location\}, whose location cannot be checked before apply\.$/ },
      { name: 'a reference mixed with text', json: dataset({ location: 'x-${google_storage_bucket.b.location}' }), problem: /cannot be checked before apply/ },
      { name: 'a reference to an attribute that is not a location', json: dataset({ location: '${google_storage_bucket.b.name}' }), problem: /cannot be checked before apply/ },
      { name: 'automatic secret replication', json: secret({ auto: {} }), address: 'google_secret_manager_secret.s', problem: /^replication is automatic/ },
      { name: 'global on a type that holds data', json: stackJson({ google_storage_bucket: { b: { name: 'b', location: 'global' } } }), problem: /location = "global" is outside EEA/ },
      { name: 'two bad locations in one resource', json: secret({ user_managed: { replicas: [{ location: 'us-east1' }, { location: 'europe-west2' }] } }), problem: /^replication\.user_managed\.replicas\[0\]\.location = "us-east1" is outside EEA; replication\.user_managed\.replicas\[1\]\.location = "europe-west2" is outside EEA\.$/ },
      { name: 'platform: London without a UK label', kind: 'platform', json: stackJson({ google_storage_bucket: { b: { name: 'b', location: 'europe-west2' } } }), problem: /outside EEA/ },
      { name: 'a UK tenant in EU', tenant: UK, json: dataset({ location: 'EU' }), problem: /location = "EU" is outside UK/ },
    ],
    compliant: [
      { name: 'a dataset in EU', json: dataset({ location: 'EU' }), evidence: /^google_bigquery_dataset\.d: EU \(EEA\)$/ },
      { name: 'a dataset in an EEA region, upper case', json: dataset({ location: 'EUROPE-WEST1' }) },
      { name: 'a location that references another resource', json: dataset({ location: '${google_storage_bucket.b.location}' }), evidence: /^google_bigquery_dataset\.d: \$\{google_storage_bucket\.b\.location\} \(EEA\)$/ },
      { name: 'a topic with regions in a list block', json: stackJson({ google_pubsub_topic: { t: { name: 't', message_storage_policy: [{ allowed_persistence_regions: ['europe-west1', 'europe-west4'] }] } } }), evidence: /europe-west1, europe-west4 \(EEA\)/ },
      { name: 'user-managed replicas, the same location once', json: secret({ user_managed: { replicas: [{ location: 'europe-west1' }, { location: 'europe-west1' }] } }), evidence: /^google_secret_manager_secret\.s: europe-west1 \(EEA\)$/ },
      { name: 'a secret in another EEA region beside a bucket in EU', json: stackJson({ google_secret_manager_secret: { s: { secret_id: 's', replication: { user_managed: { replicas: [{ location: 'europe-west4' }] } } }, t: { secret_id: 't' } }, google_storage_bucket: { b: { name: 'b', location: 'EU' } } }), evidence: /europe-west4 \(EEA\)/ },
      { name: 'a load balancer certificate in global', json: stackJson({ google_certificate_manager_certificate: { c: { name: 'c', location: 'GLOBAL' }, d: { name: 'd', location: 'europe-west1' } } }), evidence: /google_certificate_manager_certificate\.c: GLOBAL \(EEA\)/ },
      { name: 'a grant naming a location is skipped', json: stackJson({ google_storage_bucket: { b: { name: 'b', location: 'EU' } }, google_cloud_run_v2_service_iam_member: { g: { location: 'us-central1', name: 'x', role: 'roles/run.invoker', member: 'group:a@smartsegments.example' } } }) },
      { name: 'London for a UK tenant', tenant: UK, json: dataset({ location: 'europe-west2' }), evidence: /europe-west2 \(UK\)/ },
      { name: 'platform: London with a UK residency label', kind: 'platform', json: stackJson({ google_storage_bucket: { b: { name: 'b', location: 'europe-west2', labels: { 'data-residency': 'uk' } } } }), evidence: /europe-west2 \(UK\)/ },
    ],
    inapplicable: [{ name: 'nothing location-bearing', json: stackJson({ google_service_account: { sa: { account_id: 'relay' } } }) }],
  },
];
