/** RES-3 (DPA 6.5): a tenant's default region and residency labels follow its jurisdiction. */
import { res3ProviderRegion, res3ResidencyLabel } from '../../../../compliance/rules/res-3-jurisdiction-region';
import { ACME, stackJson, type CheckTable } from '../table';

const withProvider = (google: unknown, resource = {}) => stackJson(resource, { provider: { google } });
const labelled = (value: string) => stackJson({ google_pubsub_topic: { t: { name: 't', labels: { 'data-residency': value } } } });

export const RES_3_TABLES: CheckTable[] = [
  {
    check: res3ProviderRegion,
    violating: [
      { name: 'default provider in another region', json: withProvider([{ region: 'europe-west4' }]), address: 'provider.google', problem: /the default region is "europe-west4", not the tenant's configured region europe-west1/ },
      { name: 'no default provider, only an alias', json: withProvider([{ alias: 'x', region: 'europe-west1' }]), problem: /no default google provider/ },
      { name: 'no provider at all', json: stackJson({}) },
      { name: 'a region the jurisdiction table does not allow', tenant: { ...ACME, region: 'us-east1' }, json: withProvider([{ region: 'us-east1' }]), address: '(stack)', problem: /us-east1 is not a region of EEA/ },
    ],
    compliant: [
      { name: 'default provider in the tenant region', json: withProvider([{ region: 'europe-west1' }]), evidence: /default region europe-west1, from test\/acme\.yaml/ },
      { name: 'a single provider object rather than a list', json: withProvider({ region: 'europe-west1' }) },
      { name: 'an alias elsewhere beside the default', json: withProvider([{ region: 'europe-west1' }, { alias: 'us', region: 'us-east1' }]) },
    ],
  },
  {
    check: res3ResidencyLabel,
    violating: [{ name: 'a label naming another jurisdiction', json: labelled('uk'), address: 'google_pubsub_topic.t', problem: /data-residency is "uk" but the tenant's jurisdiction EEA is "eu"/ }],
    compliant: [{ name: 'the jurisdiction label', json: labelled('eu'), evidence: /data-residency=eu/ }],
    inapplicable: [{ name: 'no residency label', json: stackJson({ google_pubsub_topic: { t: { name: 't', labels: {} } } }) }],
  },
];
