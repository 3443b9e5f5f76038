/**
 * ConversionPipeline (DPA C.1, C.4): conversion events from the checkout, one route (a push
 * subscription) per destination the tenant activated, a dead-letter topic for troubleshooting, and
 * the consent-withdrawal channel the relay uses to suppress queued and retried events (RET-2).
 * Retention is a budget (RET-1): the worst-case lifetime of an event across the topic, a route and
 * the dead-letter subscription is computed with policy/retention-budget and asserted when the
 * pipeline is built and again whenever a route is added.
 */
import { Construct } from 'constructs';
import type { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import type { Jurisdiction } from '../config/jurisdictions';
import { CONVERSION_EVENT_MAX_LIFETIME, CONVERSION_EVENT_MAX_LIFETIME_SECONDS } from '../policy/dpa';
import { worstCaseLifetimeSeconds } from '../policy/retention-budget';
import { EventPipeline, type EventSubscription, type PushDelivery } from './event-pipeline';
import type { IGrantee } from './principal';
import type { ServiceAgents } from './service-agents';
import type { TenantKeys } from './tenant-keys';
import type { TenantProject } from './tenant-project';

/**
 * A route keeps an undelivered event 12 hours: long enough to ride out a destination outage of a
 * working day, and the relay drops any event older than this (MAX_EVENT_AGE_SECONDS).
 */
export const DEFAULT_ROUTE_RETENTION_SECONDS = 12 * 60 * 60;
/**
 * A dead letter is kept 10 hours for troubleshooting. 12h + 10h = 22h worst case, which leaves two
 * hours of the 24-hour promise for the time between receipt at the webhook and the publish.
 */
export const DEFAULT_DEAD_LETTER_RETENTION_SECONDS = 10 * 60 * 60;

export const CONVERSION_EVENTS_TOPIC = 'conversion-events';
export const CONSENT_WITHDRAWALS_TOPIC = 'consent-withdrawals';

export interface ConversionPipelineProps {
  readonly project: TenantProject;
  readonly jurisdiction: Jurisdiction;
  readonly serviceAgents: ServiceAgents;
  /** Retention of each destination route, seconds. Default 43200 (12 hours). */
  readonly routeRetentionSeconds?: number;
  /** Retention of the dead-letter subscription, seconds. Default 36000 (10 hours). */
  readonly deadLetterRetentionSeconds?: number;
  /** Topic retention, seconds. Default: none; the topic keeps no copy of its own. */
  readonly topicRetentionSeconds?: number;
  /** Delivery attempts before an event is dead-lettered (5-100). Default 10. */
  readonly maxDeliveryAttempts?: number;
  /** The tenant's keys; both topics are encrypted with its Pub/Sub key (ENC-2). Default: Google-managed encryption. */
  readonly encryption?: TenantKeys;
}

export class ConversionPipeline extends Construct {
  readonly events: EventPipeline;
  readonly withdrawals: EventPipeline;
  readonly routeRetentionSeconds: number;
  readonly deadLetterRetentionSeconds: number;
  private readonly routeSubs = new Map<string, EventSubscription>();
  private withdrawalSub?: EventSubscription;

  constructor(scope: Construct, id: string, props: ConversionPipelineProps) {
    super(scope, id);
    this.routeRetentionSeconds = props.routeRetentionSeconds ?? DEFAULT_ROUTE_RETENTION_SECONDS;
    this.deadLetterRetentionSeconds = props.deadLetterRetentionSeconds ?? DEFAULT_DEAD_LETTER_RETENTION_SECONDS;
    const topicSeconds = props.topicRetentionSeconds ?? 0;

    // Checked before anything is built, so the message names what the settings would create.
    const planned = worstCaseLifetimeSeconds({
      topicSeconds,
      subscriptionSeconds: this.routeRetentionSeconds,
      deadLetterTopicSeconds: 0,
      deadLetterSubscriptionSeconds: this.deadLetterRetentionSeconds,
    });
    if (planned > CONVERSION_EVENT_MAX_LIFETIME_SECONDS) {
      throw new Error(
        `ConversionPipeline ${this.node.path}: google_pubsub_subscription ${CONVERSION_EVENTS_TOPIC}-<destination> (routeRetentionSeconds ${this.routeRetentionSeconds}) plus google_pubsub_subscription ${CONVERSION_EVENTS_TOPIC}-dead-letter (deadLetterRetentionSeconds ${this.deadLetterRetentionSeconds})${
          topicSeconds ? ` and google_pubsub_topic ${CONVERSION_EVENTS_TOPIC} (topicRetentionSeconds ${topicSeconds})` : ''
        } give a worst-case conversion event lifetime of ${planned}s, over the ${CONVERSION_EVENT_MAX_LIFETIME_SECONDS}s RET-1 allows (DPA ${CONVERSION_EVENT_MAX_LIFETIME.clause}: at most ${CONVERSION_EVENT_MAX_LIFETIME.hours} hours from receipt); lower routeRetentionSeconds or deadLetterRetentionSeconds`,
      );
    }

    this.events = new EventPipeline(this, 'events', {
      project: props.project,
      jurisdiction: props.jurisdiction,
      serviceAgents: props.serviceAgents,
      encryption: props.encryption,
      name: CONVERSION_EVENTS_TOPIC,
      dataClass: 'conversion-events',
      topicRetentionSeconds: props.topicRetentionSeconds,
      deadLetter: { retentionSeconds: this.deadLetterRetentionSeconds, maxDeliveryAttempts: props.maxDeliveryAttempts },
    });
    // A withdrawal names the person (hashed identifiers), so it is held to the same budget; it need
    // not outlive the events it suppresses, which the relay drops after routeRetentionSeconds.
    this.withdrawals = new EventPipeline(this, 'withdrawals', {
      project: props.project,
      jurisdiction: props.jurisdiction,
      serviceAgents: props.serviceAgents,
      encryption: props.encryption,
      name: CONSENT_WITHDRAWALS_TOPIC,
      dataClass: 'conversion-events',
    });
  }

  /** The destinations that have a route, sorted. */
  get destinations(): string[] {
    return [...this.routeSubs.keys()].sort();
  }

  get routes(): ReadonlyMap<string, EventSubscription> {
    return this.routeSubs;
  }

  get withdrawalSubscription(): EventSubscription | undefined {
    return this.withdrawalSub;
  }

  /** Events older than this are never forwarded, so suppression state need not outlive it. */
  get maxEventAgeSeconds(): number {
    return this.routeRetentionSeconds;
  }

  /** Worst-case lifetime of any conversion event or withdrawal in this pipeline (RET-1). */
  get worstCaseLifetimeSeconds(): number {
    return Math.max(this.events.worstCaseLifetimeSeconds, this.withdrawals.worstCaseLifetimeSeconds);
  }

  /** One push subscription delivering every event to the relay's route for `destination`. */
  addRoute(destination: string, push: PushDelivery): EventSubscription {
    if (this.routeSubs.has(destination)) {
      throw new Error(`ConversionPipeline ${this.node.path}: destination "${destination}" already has a route`);
    }
    const sub = this.events.addSubscription(`route-${destination}`, {
      name: `${CONVERSION_EVENTS_TOPIC}-${destination}`,
      retentionSeconds: this.routeRetentionSeconds,
      push,
      deadLettered: true,
    });
    this.routeSubs.set(destination, sub);
    return sub;
  }

  /** The push subscription that delivers withdrawals to the relay (RET-2). */
  setWithdrawalHandler(push: PushDelivery): EventSubscription {
    if (this.withdrawalSub) throw new Error(`ConversionPipeline ${this.node.path}: the withdrawal handler is already set`);
    // No dead letter: an undeliverable withdrawal is retried until it is as old as the oldest event
    // it could still suppress, and then it is moot.
    this.withdrawalSub = this.withdrawals.addSubscription('withdrawal-handler', {
      name: `${CONSENT_WITHDRAWALS_TOPIC}-relay`,
      retentionSeconds: this.routeRetentionSeconds,
      push,
    });
    return this.withdrawalSub;
  }

  /** Lets `grantee` publish conversion events. */
  grantPublish(grantee: IGrantee): PubsubTopicIamMember {
    return this.events.grantPublish(grantee);
  }

  /** Lets `grantee` publish consent withdrawals. */
  grantPublishWithdrawals(grantee: IGrantee): PubsubTopicIamMember {
    return this.withdrawals.grantPublish(grantee);
  }
}
