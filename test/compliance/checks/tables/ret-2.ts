/** RET-2 (DPA C.4): the conversion relay keeps the consent promises, read from its environment. */
import { withLifecycle } from '../../../../config/loader';
import { ret2ConsentRelay, ret2Destinations, ret2WithdrawalChannel } from '../../../../compliance/rules/ret-2-consent-relay';
import { ACME, stackJson, tableTenant, type CheckTable } from '../table';

const relayAccount = `conversion-relay@${ACME.projectId}.iam.gserviceaccount.com`;
const GOOD_ENV: Record<string, string> = {
  CONSENT_MISSING_OR_AMBIGUOUS: 'forward-nothing',
  META_LIMITED_DATA_USE_IS_CONSENT: 'false',
  GOOGLE_AD_USER_DATA_DENIED: 'drop',
  DESTINATIONS: 'meta',
  CONSENT_WITHDRAWAL_PATH: '/withdrawals',
};
const relay = (env: Record<string, string | undefined> = {}, account = relayAccount) => ({
  name: 'conversion-relay',
  template: {
    service_account: account,
    containers: [{ env: Object.entries({ ...GOOD_ENV, ...env }).filter(([, v]) => v !== undefined).map(([name, value]) => ({ name, value })) }],
  },
});
const channel = (endpoint = '${google_cloud_run_v2_service.relay.uri}/withdrawals') => ({ withdrawals: { name: 'withdrawals', topic: 't', push_config: { push_endpoint: endpoint } } });
const stack = (env: Record<string, string | undefined> = {}, subscriptions: Record<string, Record<string, unknown>> = channel()) =>
  stackJson({ google_cloud_run_v2_service: { relay: relay(env) }, google_pubsub_subscription: subscriptions });

const tracking = (destinations: Array<'meta' | 'google-ads'>, populated: string[], googleDeniedConsent?: 'drop' | 'modeled') =>
  tableTenant({ conversionTracking: { enabled: true, destinations, ...(googleDeniedConsent ? { googleDeniedConsent } : {}) }, populatedSecrets: populated });
const meta = tracking(['meta'], ['conversion-meta']);
const both = tracking(['meta', 'google-ads'], ['conversion-meta', 'conversion-google-ads'], 'modeled');
const googleDrop = tracking(['google-ads'], ['conversion-google-ads'], 'drop');
const waiting = tracking(['meta', 'google-ads'], ['conversion-google-ads'], 'drop');
const noCredentials = tracking(['meta'], []);
const handedOver = withLifecycle(meta, { ...meta.lifecycle, state: 'handed-over' });
const noRelay = stackJson({ google_cloud_run_v2_service: { other: relay({}, `ingest-webhook@${ACME.projectId}.iam.gserviceaccount.com`) } });

const notApplicableEverywhere = [
  { name: 'conversion tracking off', json: stack(), reason: /conversion tracking is not enabled/ },
  { name: 'handed over', tenant: handedOver, json: stack(), reason: /handed over/ },
  { name: 'no credential of two recorded yet', tenant: tracking(['meta', 'google-ads'], [], 'drop'), json: stack(), reason: /\(conversion-meta, conversion-google-ads not in populatedSecrets\)/ },
  { name: 'no credentials recorded yet', tenant: noCredentials, json: stack(), reason: /waits for its credentials \(conversion-meta not in populatedSecrets\)/ },
];

export const RET_2_TABLES: CheckTable[] = [
  {
    check: ret2ConsentRelay,
    violating: [
      { name: 'no relay service', tenant: meta, json: noRelay, address: '(stack)', problem: /no Cloud Run service runs as conversion-relay@ssx-acme/ },
      { name: 'ambiguous consent forwarded', tenant: meta, json: stack({ CONSENT_MISSING_OR_AMBIGUOUS: 'forward-all' }), address: 'google_cloud_run_v2_service.relay', problem: /^CONSENT_MISSING_OR_AMBIGUOUS is "forward-all", not "forward-nothing"/ },
      { name: 'Limited Data Use unset for Meta', tenant: meta, json: stack({ META_LIMITED_DATA_USE_IS_CONSENT: undefined }), problem: /^META_LIMITED_DATA_USE_IS_CONSENT is not set, not "false"/ },
      { name: 'Google denial dropped though the tenant elected modeled', tenant: both, json: stack({ DESTINATIONS: 'google-ads,meta' }), problem: /^GOOGLE_AD_USER_DATA_DENIED is "drop", not "send-modeled" \(the tenant elected "modeled"/ },
      { name: 'Google denial sent modeled though the tenant elected drop', tenant: googleDrop, json: stack({ GOOGLE_AD_USER_DATA_DENIED: 'send-modeled', DESTINATIONS: 'google-ads' }), problem: /not "drop"/ },
    ],
    compliant: [
      { name: 'Meta only: Limited Data Use is not consent', tenant: meta, json: stack(), evidence: /META_LIMITED_DATA_USE_IS_CONSENT=false \(Meta's Limited Data Use is never consent\)$/ },
      { name: 'Meta only: the Google setting is not judged', tenant: meta, json: stack({ GOOGLE_AD_USER_DATA_DENIED: 'whatever' }) },
      { name: 'Google only: the Meta setting is not judged', tenant: googleDrop, json: stack({ META_LIMITED_DATA_USE_IS_CONSENT: 'true', DESTINATIONS: 'google-ads' }), evidence: /GOOGLE_AD_USER_DATA_DENIED=drop \(the tenant elected "drop"/ },
      { name: 'both, modeled', tenant: both, json: stack({ GOOGLE_AD_USER_DATA_DENIED: 'send-modeled' }), evidence: /CONSENT_MISSING_OR_AMBIGUOUS=forward-nothing \(missing or ambiguous consent forwards nothing\)$/ },
    ],
    inapplicable: notApplicableEverywhere,
  },
  {
    check: ret2Destinations,
    violating: [
      { name: 'forwards to a destination without credentials', tenant: waiting, json: stack({ DESTINATIONS: 'google-ads,meta' }), address: 'google_cloud_run_v2_service.relay', problem: /^the relay forwards to \["google-ads","meta"\], but the tenant activated \["google-ads"\]/ },
      { name: 'no DESTINATIONS', tenant: meta, json: stack({ DESTINATIONS: undefined }), problem: /forwards to \[\]/ },
    ],
    compliant: [
      { name: 'exactly the served ones, in any order', tenant: both, json: stack({ DESTINATIONS: 'meta,google-ads' }), evidence: /forwards to google-ads, meta only/ },
      { name: 'the one served, empty entries ignored', tenant: waiting, json: stack({ DESTINATIONS: ',google-ads,' }) },
    ],
    inapplicable: [...notApplicableEverywhere, { name: 'no relay (the consent check reports it)', tenant: meta, json: noRelay, reason: /RET-2\/consent-relay reports it/ }],
  },
  {
    check: ret2WithdrawalChannel,
    violating: [
      { name: 'no subscription', tenant: meta, json: stack({}, {}), address: 'google_cloud_run_v2_service.relay', problem: /^no subscription pushes consent withdrawals to the relay/ },
      { name: 'no withdrawal path in the relay', tenant: meta, json: stack({ CONSENT_WITHDRAWAL_PATH: undefined }) },
      { name: 'a push to another path', tenant: meta, json: stack({}, channel('${google_cloud_run_v2_service.relay.uri}/events')) },
      { name: 'a push to another service', tenant: meta, json: stack({}, channel('https://elsewhere.example/withdrawals')) },
      { name: 'a pull subscription', tenant: meta, json: stack({}, { w: { name: 'w', topic: 't' } }) },
    ],
    compliant: [{ name: 'a push subscription to the withdrawal path', tenant: meta, json: stack(), evidence: /google_pubsub_subscription\.withdrawals: consent withdrawals pushed to the relay at \/withdrawals/ }],
    inapplicable: [...notApplicableEverywhere, { name: 'no relay', tenant: meta, json: noRelay }],
  },
];
