/**
 * ConversionRelay (DPA C.1, C.4): the internal Cloud Run service that forwards a tenant's conversion
 * events to the destinations it activated, and nowhere else (ISO-2: one relay, one account, per
 * tenant). Its consent rules are configuration, fixed here so no deployment can loosen them (RET-2):
 * missing or ambiguous consent forwards nothing, Meta's Limited Data Use flag never counts as consent,
 * a Google `ad_user_data` denial drops the event or sends it as modeled per the tenant's election,
 * and withdrawals arrive on their own channel to suppress queued and retried events. Only activated
 * destinations get a secret and a route.
 */
import { Construct } from 'constructs';
import { CONVERSION_DESTINATIONS, type ConversionDestination, type GoogleDeniedConsent } from '../config/catalog';
import type { Jurisdiction } from '../config/jurisdictions';
import { WORKLOAD_ACCOUNT_IDS, conversionSecretId } from '../config/naming';
import { CONSENT_WITHDRAWALS_TOPIC, type ConversionPipeline } from './conversion-pipeline';
import type { ConversionState } from './conversion-state';
import { IntegrationSecret } from './integration-secret';
import { RelayService } from './relay-service';
import type { SecretRotationNotices } from './secret-rotation-notices';
import type { ServiceAgents } from './service-agents';
import type { TenantKeys } from './tenant-keys';
import type { TenantProject } from './tenant-project';
import { WorkloadIdentity } from './workload-identity';

/** What each destination's secret holds and the env var it is mounted as. */
export const DESTINATION_SECRETS: Readonly<Record<ConversionDestination, { readonly env: string; readonly purpose: string }>> = {
  meta: { env: 'META_CAPI_CREDENTIALS', purpose: 'Meta Conversions API access token and pixel id (DPA C.1)' },
  'google-ads': {
    env: 'GOOGLE_ADS_CREDENTIALS',
    purpose: 'Google Ads API developer token, OAuth client and refresh token, customer and conversion action ids (DPA C.1)',
  },
};

export const ROUTE_PATH_PREFIX = '/forward/';
export const WITHDRAWAL_PATH = '/consent/withdrawn';

/**
 * The relay's consent configuration (RET-2). Every value is fixed by the DPA except the tenant's
 * election for a Google `ad_user_data` denial.
 */
export function consentPolicyEnv(destinations: readonly ConversionDestination[], googleDeniedConsent?: GoogleDeniedConsent): Record<string, string> {
  const env: Record<string, string> = {
    // C.4: consent signals honoured with each event.
    CONSENT_SIGNALS: 'google-consent-mode-v2,iab-tcf-v2',
    // C.4: "where consent signals are missing or ambiguous, default to non-forwarding".
    CONSENT_MISSING_OR_AMBIGUOUS: 'forward-nothing',
  };
  if (destinations.includes('meta')) {
    // C.4: Limited Data Use is never a substitute for the End User's consent to sharing with Meta.
    env.META_LIMITED_DATA_USE_IS_CONSENT = 'false';
    env.META_CONSENT_DENIED = 'drop';
  }
  if (destinations.includes('google-ads')) {
    if (googleDeniedConsent === undefined) {
      throw new Error(
        'consentPolicyEnv: googleDeniedConsent is required when google-ads is a destination (DPA C.4); set conversionTracking.googleDeniedConsent to "drop" or "modeled"',
      );
    }
    // C.4: not forwarded, or forwarded only with the consent flag for modeled conversions.
    env.GOOGLE_AD_USER_DATA_DENIED = googleDeniedConsent === 'drop' ? 'drop' : 'send-modeled';
  }
  return env;
}

export interface ConversionRelayProps {
  readonly project: TenantProject;
  readonly jurisdiction: Jurisdiction;
  readonly region: string;
  readonly tenantId: string;
  /** The conversion-relay image, pinned by digest. */
  readonly image: string;
  readonly pipeline: ConversionPipeline;
  readonly state: ConversionState;
  /** The destinations the tenant activated; each gets a secret and a route, no others. */
  readonly destinations: readonly ConversionDestination[];
  /** The tenant's election for a Google `ad_user_data` denial; required with google-ads. */
  readonly googleDeniedConsent?: GoogleDeniedConsent;
  readonly rotationNotices: SecretRotationNotices;
  readonly serviceAgents: ServiceAgents;
  /** Delete protection on the service and its secrets. Default true; lifted when offboarding or while conversion tracking retires. */
  readonly protectData?: boolean;
  /**
   * The destinations whose credentials have their value (the tenant's `populatedSecrets`,
   * config/workload-secrets.ts servedDestinations): the service mounts their secrets, forwards to
   * them and has a route each. Every destination gets its secret regardless. While none is served
   * the secrets and accounts exist but the service and its push subscriptions do not: it mounts
   * latest versions and could not start without them. Nothing is forwarded meanwhile, so no consent
   * promise can be broken (RET-2). Default: every destination.
   */
  readonly servedDestinations?: readonly ConversionDestination[];
  /** The tenant's keys; the destination secrets are encrypted with them (ENC-2). Default: Google-managed encryption. */
  readonly encryption?: TenantKeys;
}

export class ConversionRelay extends Construct {
  readonly identity: WorkloadIdentity;
  readonly pushIdentity: WorkloadIdentity;
  /** The relay service; undefined while its secrets wait for their values. */
  readonly service?: RelayService;
  readonly secrets: ReadonlyMap<ConversionDestination, IntegrationSecret>;

  constructor(scope: Construct, id: string, props: ConversionRelayProps) {
    super(scope, id);
    const what = `ConversionRelay ${this.node.path}`;
    const destinations = [...new Set(props.destinations)].sort();
    if (destinations.length === 0) throw new Error(`${what}: destinations is empty; a relay with nowhere to forward has no purpose`);
    const unknown = destinations.filter((d) => !(CONVERSION_DESTINATIONS as readonly string[]).includes(d));
    if (unknown.length) throw new Error(`${what}: unknown destinations ${unknown.join(', ')}; allowed: ${CONVERSION_DESTINATIONS.join(', ')}`);
    if (props.state.budget.ttlSeconds < props.pipeline.maxEventAgeSeconds) {
      throw new Error(
        `${what}: ConversionState ttlSeconds ${props.state.budget.ttlSeconds} is shorter than the ${props.pipeline.maxEventAgeSeconds}s an event may wait in a route, so a withdrawn user's retried event could outlive its suppression (RET-2); raise ttlSeconds to at least the route retention`,
      );
    }
    const protect = props.protectData ?? true;

    this.identity = new WorkloadIdentity(this, 'identity', {
      project: props.project,
      accountId: WORKLOAD_ACCOUNT_IDS.conversionRelay,
      displayName: 'Conversion relay',
      description: `Forwards ${props.tenantId}'s consented conversion events to ${destinations.join(', ')} (DPA C.1, C.4).`,
      handlesConversionEvents: true,
    });
    this.pushIdentity = new WorkloadIdentity(this, 'push-identity', {
      project: props.project,
      accountId: WORKLOAD_ACCOUNT_IDS.conversionPush,
      displayName: 'Conversion relay push',
      description: 'Pub/Sub pushes conversion events and withdrawals to the relay with this identity; it may only invoke the relay.',
      handlesConversionEvents: true,
    });

    if (!props.project.isOwnedBySmartSegments) {
      // Pub/Sub signs push tokens itself only in projects created after 8 April 2021; a customer's
      // own project may be older, so its service agent may mint tokens for this one account.
      this.pushIdentity.grantTokenCreation(props.serviceAgents.agent('pubsub'));
    }

    const secrets = new Map<ConversionDestination, IntegrationSecret>();
    for (const destination of destinations) {
      secrets.set(
        destination,
        new IntegrationSecret(this, `secret-${destination}`, {
          project: props.project,
          jurisdiction: props.jurisdiction,
          secretId: conversionSecretId(destination),
          purpose: DESTINATION_SECRETS[destination].purpose,
          replicaLocations: [props.region],
          rotationNotices: props.rotationNotices,
          deletionProtection: protect,
          encryption: props.encryption ? { keys: props.encryption, serviceAgents: props.serviceAgents } : undefined,
        }),
      );
    }
    this.secrets = secrets;
    props.state.grantReadWrite(this.identity);
    // Granted from the first apply, so they have propagated when the service appears (IAM changes propagate in typically 2, up to 7+ minutes: cloud.google.com/iam/docs/access-change-propagation).
    for (const secret of secrets.values()) secret.grantAccess(this.identity);
    const served = destinations.filter((d) => (props.servedDestinations ?? destinations).includes(d));
    if (served.length === 0) return;

    const env: Record<string, string> = {
      TENANT_ID: props.tenantId,
      DESTINATIONS: served.join(','),
      ROUTE_PATH_PREFIX,
      CONSENT_WITHDRAWAL_PATH: WITHDRAWAL_PATH,
      CONSENT_WITHDRAWAL_TOPIC: `projects/${props.project.projectId}/topics/${CONSENT_WITHDRAWALS_TOPIC}`,
      // Older events are dropped unforwarded, which is what lets suppressions expire safely.
      MAX_EVENT_AGE_SECONDS: String(props.pipeline.maxEventAgeSeconds),
      // Dead letters are kept for troubleshooting only and are never forwarded.
      DEAD_LETTER_REDRIVE: 'disabled',
      ...consentPolicyEnv(served, props.googleDeniedConsent),
      ...props.state.env,
    };
    const service = new RelayService(this, 'service', {
      project: props.project,
      jurisdiction: props.jurisdiction,
      region: props.region,
      name: 'conversion-relay',
      description: 'Relays consented conversion events to the activated advertising destinations (DPA C.1)',
      image: props.image,
      identity: this.identity,
      exposure: 'internal',
      env,
      secrets: Object.fromEntries(served.map((d) => [DESTINATION_SECRETS[d].env, secrets.get(d)!])),
      deletionProtection: protect,
    });
    this.service = service;
    service.grantInvoke(this.pushIdentity);

    // One route per activated destination: its own retries and dead letters, so one platform's
    // outage never delays or duplicates delivery to the other.
    for (const destination of served) {
      props.pipeline.addRoute(destination, {
        endpoint: `${service.uri}${ROUTE_PATH_PREFIX}${destination}`,
        identity: this.pushIdentity,
        audience: service.uri,
      });
    }
    props.pipeline.setWithdrawalHandler({
      endpoint: `${service.uri}${WITHDRAWAL_PATH}`,
      identity: this.pushIdentity,
      audience: service.uri,
    });
  }
}
