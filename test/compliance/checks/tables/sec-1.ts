/** SEC-1 (DPA Annex II 2): credentials in Secret Manager, replicated in the jurisdiction, never in the config. */
import { withLifecycle } from '../../../../config/loader';
import { sec1NoValueInConfig, sec1ReplicaLocation, sec1SecretStorage } from '../../../../compliance/rules/sec-1-secret-storage';
import { stackJson, tableTenant, type CheckTable } from '../table';

const version = (values: Record<string, unknown>) => stackJson({ google_secret_manager_secret_version: { v: { secret: 's', ...values } } });
const secret = (replication: unknown) => stackJson({ google_secret_manager_secret: { s: { secret_id: 's', replication } } });
const replicas = (...locations: unknown[]) => ({ user_managed: { replicas: locations.map((location) => ({ location })) } });
const regional = (location: unknown) => stackJson({ google_secret_manager_regional_secret: { r: { secret_id: 'r', location } } });
const withIntegration = tableTenant({ integrations: ['mailchimp'] });
const withTracking = tableTenant({ conversionTracking: { enabled: true, destinations: ['meta'], googleDeniedConsent: 'drop' } });

export const SEC_1_TABLES: CheckTable[] = [
  {
    check: sec1NoValueInConfig,
    violating: [
      { name: 'secret_data in config and state', json: version({ secret_data: 'x' }), address: 'google_secret_manager_secret_version.v', problem: /in secret_data, so the credential is in the Terraform config and state\.$/ },
      { name: 'write-only data is still in the config, not the state', json: version({ secret_data_wo: 'x' }), problem: /in secret_data_wo, so the credential is in the Terraform config\.$/ },
      { name: 'both data keys, listed comma-separated', json: version({ secret_data: 'x', secret_data_wo: 'y' }), problem: /in secret_data, secret_data_wo, so the credential is in the Terraform config and state\.$/ },
      { name: 'a regional version with a payload', json: stackJson({ google_secret_manager_regional_secret_version: { v: { secret: 'r', payload: 'x' } } }), problem: /in payload,/ },
    ],
    compliant: [{ name: 'a version without data', json: version({ enabled: true }), evidence: /secret version without data in the config/ }],
    inapplicable: [{ name: 'no version', json: secret(replicas('europe-west1')), reason: /no secret version/ }],
  },
  {
    check: sec1ReplicaLocation,
    violating: [
      { name: 'automatic replication', json: secret({ auto: {} }), address: 'google_secret_manager_secret.s', problem: /^replication is automatic/ },
      { name: 'automatic beside user-managed', json: secret({ auto: {}, ...replicas('europe-west1') }) },
      { name: 'no replication block', json: stackJson({ google_secret_manager_secret: { s: { secret_id: 's' } } }) },
      { name: 'user-managed without replicas', json: secret({ user_managed: {} }), problem: /^replication is automatic \(or names no replica\)/ },
      { name: 'user-managed with an empty replica list', json: secret(replicas()) },
      { name: 'a replica outside the EEA', json: secret(replicas('europe-west1', 'us-central1')), problem: /^replicas \["us-central1"\] are outside EEA\./ },
      { name: 'a replica without a location', json: secret(replicas(undefined)) },
      { name: 'a UK tenant with an EEA replica', tenant: tableTenant({ jurisdiction: 'UK', region: 'europe-west2' }), json: secret(replicas('europe-west1')), problem: /outside UK/ },
      { name: 'a regional secret outside the EEA', json: regional('us-east1'), address: 'google_secret_manager_regional_secret.r', problem: /^regional secret in "us-east1", outside EEA\./ },
      { name: 'a regional secret without a location', json: regional(undefined) },
    ],
    compliant: [
      { name: 'replicas in two EEA regions', json: secret(replicas('europe-west1', 'europe-west4')), evidence: /user-managed replicas in europe-west1, europe-west4$/ },
      { name: 'a regional secret in the EEA', json: regional('europe-west1'), evidence: /regional secret in europe-west1$/ },
      { name: 'platform stack, EEA replicas', kind: 'platform', json: secret(replicas('europe-west3')) },
    ],
    inapplicable: [{ name: 'no secret', json: version({}), reason: /the stack holds no secret/ }],
  },
  {
    check: sec1SecretStorage,
    violating: [
      { name: 'an integration without a secret', tenant: withIntegration, json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), address: '(stack)', problem: /holds no Secret Manager secret/ },
      { name: 'conversion tracking without a secret', tenant: withTracking, json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }) },
    ],
    compliant: [
      { name: 'an integration with its secret', tenant: withIntegration, json: secret(replicas('europe-west1')), evidence: /^\(stack\): 1 Secret Manager secrets/ },
      { name: 'conversion tracking with a regional secret', tenant: withTracking, json: regional('europe-west1') },
    ],
    inapplicable: [
      { name: 'nothing needs a credential', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), reason: /activates nothing that needs a credential/ },
      { name: 'handed over', tenant: withLifecycle(withIntegration, { ...withIntegration.lifecycle, state: 'handed-over' }), json: stackJson({}) },
    ],
  },
];
