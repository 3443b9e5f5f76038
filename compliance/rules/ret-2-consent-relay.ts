/**
 * RET-2 (DPA C.4): the conversion relay is configured to keep the consent promises: forward nothing
 * when consent is missing or ambiguous, never take Meta's Limited Data Use flag as consent, drop or
 * send as modeled per the tenant's election when Google `ad_user_data` is denied, and receive
 * consent withdrawals on their own push channel so queued and retried events can be suppressed.
 * Read from the relay's environment in the synthesized Cloud Run service.
 */
import { runsDataPlane } from '../scope';
import { WORKLOAD_ACCOUNT_IDS } from '../../config/naming';
import { conversionSecretId } from '../../config/naming';
import { servedDestinations } from '../../config/workload-secrets';
import { findTarget } from '../grants';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable, type Finding, type RuleContext } from '../rule';
import type { SynthesizedResource } from '../synthesized-stack';
import { runtimeIdentityOf } from '../workloads';

/** The relay's consent settings the DPA fixes, and the one the tenant elects. */
export const REQUIRED_CONSENT_ENV = {
  CONSENT_MISSING_OR_AMBIGUOUS: 'forward-nothing',
  META_LIMITED_DATA_USE_IS_CONSENT: 'false',
  GOOGLE_AD_USER_DATA_DENIED: { drop: 'drop', modeled: 'send-modeled' },
} as const;

function envOf(service: { values: Readonly<Record<string, unknown>> }): Map<string, string | undefined> {
  const template = service.values.template as { containers?: Array<{ env?: Array<{ name?: string; value?: string }> }> } | undefined;
  const out = new Map<string, string | undefined>();
  for (const c of template?.containers ?? []) for (const e of c.env ?? []) if (e.name) out.set(e.name, e.value);
  return out;
}

/** The relay a check judges, or the findings to return instead (not applicable, or the relay is missing). */
function relayOf(ctx: RuleContext, missing: 'report' | 'skip'): { relay: SynthesizedResource; served: string[] } | Finding[] {
  const tenant = ctx.tenant!;
  const ct = tenant.conversionTracking;
  if (!ct.enabled) return [notApplicable('conversion tracking is not enabled')];
  if (!runsDataPlane(tenant)) return [notApplicable('handed over: Smart Segments relays nothing for this project any more (HAND-1)')];
  // The relay forwards only to destinations whose credentials are recorded (populatedSecrets).
  const served = servedDestinations(tenant);
  if (served.length === 0) {
    return [
      notApplicable(
        `the conversion relay waits for its credentials (${ct.destinations.map(conversionSecretId).join(', ')} not in populatedSecrets), so nothing is forwarded yet`,
      ),
    ];
  }
  const relayAccount = `${WORKLOAD_ACCOUNT_IDS.conversionRelay}@${tenant.projectId}.iam.gserviceaccount.com`;
  const relay = ctx.stack.ofType('google_cloud_run_v2_service').find((s) => runtimeIdentityOf(ctx.stack, s).email === relayAccount);
  if (relay) return { relay, served };
  if (missing === 'skip') return [notApplicable(`no Cloud Run service runs as ${relayAccount} (RET-2/consent-relay reports it)`)];
  return [
    nonCompliant(
      STACK_ADDRESS,
      `conversion tracking is enabled but no Cloud Run service runs as ${relayAccount}.`,
      'build the ConversionRelay for the tenant.',
    ),
  ];
}

export const ret2ConsentRelay = defineCheck({
  id: 'RET-2/consent-relay',
  explanation:
    "The conversion relay forwards nothing without clear consent, ignores Limited Data Use as consent and applies the tenant's Google election.",
  appliesTo: ['tenant'],
  check(ctx) {
    const found = relayOf(ctx, 'report');
    if (Array.isArray(found)) return found;
    const { relay, served } = found;
    const election = ctx.tenant!.conversionTracking.googleDeniedConsent ?? 'drop';
    const env = envOf(relay);
    const findings: Finding[] = [];
    const expect = (name: string, value: string, why: string) => {
      const actual = env.get(name);
      findings.push(
        actual === value
          ? compliant(relay.address, `${name}=${value} (${why})`)
          : nonCompliant(
              relay.address,
              `${name} is ${actual === undefined ? 'not set' : JSON.stringify(actual)}, not "${value}" (${why}).`,
              `set ${name}=${value} (consentPolicyEnv).`,
            ),
      );
    };
    expect(
      'CONSENT_MISSING_OR_AMBIGUOUS',
      REQUIRED_CONSENT_ENV.CONSENT_MISSING_OR_AMBIGUOUS,
      'missing or ambiguous consent forwards nothing',
    );
    if (served.includes('meta'))
      expect(
        'META_LIMITED_DATA_USE_IS_CONSENT',
        REQUIRED_CONSENT_ENV.META_LIMITED_DATA_USE_IS_CONSENT,
        "Meta's Limited Data Use is never consent",
      );
    if (served.includes('google-ads'))
      expect(
        'GOOGLE_AD_USER_DATA_DENIED',
        REQUIRED_CONSENT_ENV.GOOGLE_AD_USER_DATA_DENIED[election],
        `the tenant elected "${election}" for a denied ad_user_data`,
      );
    return findings;
  },
});

export const ret2Destinations = defineCheck({
  id: 'RET-2/destinations',
  explanation: 'The conversion relay forwards only to the destinations the tenant activated whose credentials are recorded.',
  appliesTo: ['tenant'],
  check(ctx) {
    const found = relayOf(ctx, 'skip');
    if (Array.isArray(found)) return found;
    const { relay, served } = found;
    const configured = (envOf(relay).get('DESTINATIONS') ?? '').split(',').filter(Boolean).sort();
    const wanted = [...served].sort();
    if (configured.join(',') === wanted.join(',')) return [compliant(relay.address, `forwards to ${wanted.join(', ')} only`)];
    return [
      nonCompliant(
        relay.address,
        `the relay forwards to ${JSON.stringify(configured)}, but the tenant activated ${JSON.stringify(wanted)} with recorded credentials.`,
        'forward only to the destinations the tenant config names whose credentials are recorded (populatedSecrets).',
      ),
    ];
  },
});

export const ret2WithdrawalChannel = defineCheck({
  id: 'RET-2/withdrawal-channel',
  explanation: "Consent withdrawals reach the conversion relay on their own push subscription, so queued events can be suppressed.",
  appliesTo: ['tenant'],
  check(ctx) {
    const found = relayOf(ctx, 'skip');
    if (Array.isArray(found)) return found;
    const { relay } = found;
    // The withdrawal channel: a push subscription delivering to the relay's withdrawal path.
    const path = envOf(relay).get('CONSENT_WITHDRAWAL_PATH');
    const channel = ctx.stack.ofType('google_pubsub_subscription').find((s) => {
      const push = s.values.push_config as { push_endpoint?: string } | undefined;
      return (
        path !== undefined &&
        typeof push?.push_endpoint === 'string' &&
        push.push_endpoint.endsWith(path) &&
        findTarget(ctx.stack, 'google_cloud_run_v2_service', push.push_endpoint) === relay
      );
    });
    if (channel) return [compliant(channel.address, `consent withdrawals pushed to the relay at ${path}`)];
    return [
      nonCompliant(
        relay.address,
        'no subscription pushes consent withdrawals to the relay, so queued and retried events of a withdrawn user cannot be suppressed.',
        'give the relay a withdrawal handler (ConversionPipeline.setWithdrawalHandler).',
      ),
    ];
  },
});

/** The checks of RET-2, in the order the report lists them. */
export const ret2ConsentRelayChecks = [ret2ConsentRelay, ret2Destinations, ret2WithdrawalChannel] as const;
