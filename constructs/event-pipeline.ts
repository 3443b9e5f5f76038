/**
 * EventPipeline: a Pub/Sub topic, its subscriptions and an optional dead-letter topic with its own
 * subscription (DPA A.5 collection and transmission). Messages are stored only in the jurisdiction's
 * regions (RES-1), every subscription states its retention (the provider would default it to 7 days)
 * and never keeps acknowledged messages. Given the tenant's keys, its topics (and so its
 * subscriptions, which Pub/Sub encrypts with the topic's key) are encrypted with the tenant's
 * Pub/Sub key in the location of its persistence regions (ENC-2). The pipeline knows the worst-case lifetime of a message
 * across all of it and refuses to grow past its budget; for conversion events the budget is 24 hours
 * (RET-1, DPA C.4).
 */
import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { PubsubSubscription } from '@cdktf/provider-google/lib/pubsub-subscription';
import { PubsubSubscriptionIamMember } from '@cdktf/provider-google/lib/pubsub-subscription-iam-member';
import { jurisdictionRules, isLocationAllowed, type Jurisdiction } from '../config/jurisdictions';
import { CONVERSION_EVENT_MAX_LIFETIME, CONVERSION_EVENT_MAX_LIFETIME_SECONDS } from '../policy/dpa';
import { formatDuration, worstCaseLifetimeSeconds } from '../policy/retention-budget';
import { assertGrantable, grantDependencies, grantKey, type IWorkloadGrantee } from './grant-policy';
import type { IGrantee } from './principal';
import type { ServiceAgents } from './service-agents';
import type { EncryptionKey, TenantKeys } from './tenant-keys';
import type { TenantProject } from './tenant-project';
import type { WorkloadIdentity } from './workload-identity';

/** What a store holds; the `data-class` label rules and reports key on (RET-1 reads `conversion-events`). */
export type DataClass = 'conversion-events' | 'customer-data' | 'operational';

/** Pub/Sub's limits on message retention (topic and subscription): 10 minutes to 31 days. */
export const MIN_RETENTION_SECONDS = 600;
export const MAX_RETENTION_SECONDS = 31 * 24 * 60 * 60;

const RESOURCE_NAME = /^[a-z][a-z0-9-]{2,62}$/;

export interface DeadLetterProps {
  /** Retention of the dead-letter subscription in seconds (600-2678400); required, because the budget depends on it. */
  readonly retentionSeconds: number;
  /** Delivery attempts before a message is dead-lettered (5-100). Default 10. */
  readonly maxDeliveryAttempts?: number;
}

export interface EventPipelineProps {
  readonly project: TenantProject;
  readonly jurisdiction: Jurisdiction;
  /** Grants to the Pub/Sub service agent (dead-lettering, BigQuery subscriptions) go through it. */
  readonly serviceAgents: ServiceAgents;
  /** Topic name; subscriptions and the dead-letter topic are named after it. */
  readonly name: string;
  /** Value of the `data-class` label on every topic and subscription. */
  readonly dataClass: DataClass;
  /** Topic `message_retention_duration` in seconds. Default: unset, so messages live only in subscriptions. */
  readonly topicRetentionSeconds?: number;
  /** Default: no dead-letter topic. */
  readonly deadLetter?: DeadLetterProps;
  /**
   * Regions where messages may be stored. Default: every region of the jurisdiction, or with
   * `encryption` the regions its Pub/Sub key covers (TenantKeys.pubsubRegions).
   */
  readonly persistenceRegions?: readonly string[];
  /**
   * The tenant's keys: the topics are encrypted with its Pub/Sub key for the persistence regions,
   * which the Pub/Sub service agent is granted before the topics are created (ENC-2). Default: none,
   * Google-managed encryption (only for data that is not Customer Data, such as rotation notices).
   */
  readonly encryption?: TenantKeys;
  /**
   * Also refuse publish and subscribe calls made outside the persistence regions, so messages do not
   * even transit elsewhere. Publishers must then use a locational endpoint. Default true.
   */
  readonly enforceInTransit?: boolean;
  /**
   * The most seconds a message may exist anywhere in the pipeline. Default: 86400 (RET-1) for
   * conversion events; no budget for other data classes.
   */
  readonly maxLifetimeSeconds?: number;
}

export interface PushDelivery {
  /** HTTPS endpoint, for example a Cloud Run service URI plus a path. */
  readonly endpoint: string;
  /** The identity whose OIDC token authenticates the push (it holds run.invoker on the service). */
  readonly identity: WorkloadIdentity;
  /** Token audience. Default: the endpoint. */
  readonly audience?: string;
}

export interface BigQueryDelivery {
  /** `{project}.{dataset}.{table}`; the table has the Pub/Sub metadata columns. */
  readonly table: string;
}

export interface EventSubscriptionProps {
  /** Subscription name. */
  readonly name: string;
  /** Seconds an unacknowledged message is kept (600-2678400); stated explicitly, never the provider's 7-day default. */
  readonly retentionSeconds: number;
  /** Seconds to acknowledge before redelivery (10-600). Default 60. */
  readonly ackDeadlineSeconds?: number;
  /** Push to an HTTPS endpoint. Default: pull. */
  readonly push?: PushDelivery;
  /** Write messages to a BigQuery table. Default: pull. */
  readonly bigquery?: BigQueryDelivery;
  /** Send undeliverable messages to the dead-letter topic. Default: true when the pipeline has one. */
  readonly deadLettered?: boolean;
  /** Grants the subscription needs before it is created (a BigQuery table grant). Default: none. */
  readonly dependsOn?: readonly ITerraformDependable[];
}

function checkRetention(what: string, prop: string, seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < MIN_RETENTION_SECONDS || seconds > MAX_RETENTION_SECONDS) {
    throw new Error(
      `${what}: ${prop} must be a whole number of seconds from ${MIN_RETENTION_SECONDS} (10 minutes) to ${MAX_RETENTION_SECONDS} (31 days), got ${seconds}`,
    );
  }
}

/** One subscription of a pipeline, with its grant method. */
export class EventSubscription extends Construct {
  readonly subscription: PubsubSubscription;
  readonly name: string;
  readonly retentionSeconds: number;
  readonly deadLettered: boolean;
  private readonly conversionEvents: boolean;

  constructor(scope: Construct, id: string, props: EventSubscriptionProps & { readonly config: ConstructorParameters<typeof PubsubSubscription>[2]; readonly conversionEvents: boolean }) {
    super(scope, id);
    this.name = props.name;
    this.retentionSeconds = props.retentionSeconds;
    this.deadLettered = props.config.deadLetterPolicy !== undefined;
    this.conversionEvents = props.conversionEvents;
    this.subscription = new PubsubSubscription(this, 'subscription', props.config);
  }

  /** Lets `grantee` pull and acknowledge messages (roles/pubsub.subscriber on this subscription). */
  grantConsume(grantee: IGrantee): PubsubSubscriptionIamMember {
    const role = 'roles/pubsub.subscriber';
    assertGrantable({ role, grantee, resource: `google_pubsub_subscription ${this.name}`, conversionEvents: this.conversionEvents });
    return new PubsubSubscriptionIamMember(this, `consume-${grantKey(grantee)}`, {
      subscription: this.subscription.id,
      role,
      member: grantee.member,
      dependsOn: grantDependencies(grantee),
    });
  }
}

export class EventPipeline extends Construct {
  readonly topic: PubsubTopic;
  readonly name: string;
  readonly dataClass: DataClass;
  readonly topicRetentionSeconds: number;
  readonly persistenceRegions: readonly string[];
  readonly maxLifetimeSeconds?: number;
  readonly deadLetterTopic?: PubsubTopic;
  readonly deadLetterSubscription?: EventSubscription;
  readonly maxDeliveryAttempts?: number;
  /** The key that encrypts the topics, when the pipeline has one (ENC-2). */
  readonly encryptionKey?: EncryptionKey;
  private readonly props: EventPipelineProps;
  private readonly subs: EventSubscription[] = [];

  constructor(scope: Construct, id: string, props: EventPipelineProps) {
    super(scope, id);
    const what = `EventPipeline ${this.node.path}`;
    if (!RESOURCE_NAME.test(props.name)) {
      throw new Error(`${what}: name "${props.name}" must be 3-63 lowercase letters, digits and hyphens, starting with a letter`);
    }
    this.props = props;
    this.name = props.name;
    this.dataClass = props.dataClass;
    if (props.topicRetentionSeconds !== undefined) checkRetention(what, 'topicRetentionSeconds', props.topicRetentionSeconds);
    this.topicRetentionSeconds = props.topicRetentionSeconds ?? 0;
    this.maxLifetimeSeconds =
      props.maxLifetimeSeconds ?? (props.dataClass === 'conversion-events' ? CONVERSION_EVENT_MAX_LIFETIME_SECONDS : undefined);
    if (props.dataClass === 'conversion-events' && this.maxLifetimeSeconds! > CONVERSION_EVENT_MAX_LIFETIME_SECONDS) {
      throw new Error(
        `${what}: maxLifetimeSeconds ${this.maxLifetimeSeconds} exceeds the ${CONVERSION_EVENT_MAX_LIFETIME_SECONDS}s that RET-1 (DPA C.4) allows for conversion events; remove the prop or lower it`,
      );
    }

    const rules = jurisdictionRules(props.jurisdiction);
    this.persistenceRegions = [...(props.persistenceRegions ?? props.encryption?.pubsubRegions ?? rules.regions)];
    const outside = this.persistenceRegions.filter((r) => !rules.regions.includes(r) || !isLocationAllowed(props.jurisdiction, r));
    if (this.persistenceRegions.length === 0 || outside.length > 0) {
      throw new Error(
        `${what}: persistenceRegions must be regions of jurisdiction ${props.jurisdiction} (RES-1)${
          outside.length ? `; not allowed: ${outside.join(', ')}` : '; the list is empty'
        }. Allowed: ${rules.regions.join(', ')}`,
      );
    }

    const api = props.project.enableApi('pubsub.googleapis.com');
    const apiDeps = api ? [api] : [];
    let topicDeps: ITerraformDependable[] = apiDeps;
    if (props.encryption) {
      // ENC-2: the agent must hold the key before Pub/Sub will create a topic encrypted with it.
      this.encryptionKey = props.encryption.keyFor('pubsub', this.persistenceRegions);
      topicDeps = [...apiDeps, this.encryptionKey.grantEncryptDecrypt(props.serviceAgents.agent('pubsub'))];
    }
    this.topic = this.makeTopic('topic', props.name, props.topicRetentionSeconds, topicDeps);

    if (props.deadLetter) {
      const attempts = props.deadLetter.maxDeliveryAttempts ?? 10;
      if (!Number.isInteger(attempts) || attempts < 5 || attempts > 100) {
        throw new Error(`${what}: deadLetter.maxDeliveryAttempts must be a whole number from 5 to 100, got ${attempts}`);
      }
      this.maxDeliveryAttempts = attempts;
      checkRetention(what, 'deadLetter.retentionSeconds', props.deadLetter.retentionSeconds);
      // The dead-letter topic keeps nothing itself; its one subscription holds dead letters for
      // troubleshooting until they expire.
      this.deadLetterTopic = this.makeTopic('dead-letter-topic', `${props.name}-dead-letter`, undefined, topicDeps);
      this.deadLetterSubscription = new EventSubscription(this, 'dead-letter-subscription', {
        name: `${props.name}-dead-letter`,
        retentionSeconds: props.deadLetter.retentionSeconds,
        conversionEvents: this.holdsConversionEvents,
        config: this.subscriptionConfig(`${props.name}-dead-letter`, this.deadLetterTopic, props.deadLetter.retentionSeconds, 60, apiDeps),
      });
      // Dead-lettering is a publish by the Pub/Sub service agent.
      const agent = props.serviceAgents.agent('pubsub');
      this.grantOnTopic(this.deadLetterTopic, `${props.name}-dead-letter`, 'roles/pubsub.publisher', agent, 'dead-letter-publish');
    }
    this.assertBudget(`google_pubsub_topic ${props.name}`);
  }

  /** True when this pipeline carries conversion events (RET-1 applies). */
  get holdsConversionEvents(): boolean {
    return this.dataClass === 'conversion-events';
  }

  get subscriptions(): readonly EventSubscription[] {
    return [...this.subs];
  }

  /** Adds a subscription, then re-checks the pipeline's retention budget. */
  addSubscription(id: string, props: EventSubscriptionProps): EventSubscription {
    const what = `EventPipeline ${this.node.path} subscription ${props.name}`;
    if (!RESOURCE_NAME.test(props.name)) {
      throw new Error(`${what}: name must be 3-63 lowercase letters, digits and hyphens, starting with a letter`);
    }
    checkRetention(what, 'retentionSeconds', props.retentionSeconds);
    const ack = props.ackDeadlineSeconds ?? 60;
    if (!Number.isInteger(ack) || ack < 10 || ack > 600) {
      throw new Error(`${what}: ackDeadlineSeconds must be a whole number from 10 to 600, got ${ack}`);
    }
    if (props.push && props.bigquery) throw new Error(`${what}: choose push or bigquery delivery, not both`);
    const deadLettered = props.deadLettered ?? this.deadLetterTopic !== undefined;
    if (deadLettered && !this.deadLetterTopic) {
      throw new Error(`${what}: deadLettered is true but the pipeline has no deadLetter; add deadLetter to the pipeline props`);
    }
    const api = this.props.project.enableApi('pubsub.googleapis.com');
    const apiDeps = api ? [api] : [];
    const base = this.subscriptionConfig(props.name, this.topic, props.retentionSeconds, ack, apiDeps);
    const agent = this.props.serviceAgents;
    const config = {
      ...base,
      deadLetterPolicy:
        deadLettered && this.deadLetterTopic
          ? { deadLetterTopic: this.deadLetterTopic.id, maxDeliveryAttempts: this.maxDeliveryAttempts }
          : undefined,
      pushConfig: props.push
        ? {
            pushEndpoint: props.push.endpoint,
            oidcToken: { serviceAccountEmail: props.push.identity.email, audience: props.push.audience ?? props.push.endpoint },
          }
        : undefined,
      bigqueryConfig: props.bigquery
        ? // Metadata columns (message_id, publish_time, attributes) let the warehouse deduplicate redeliveries.
          { table: props.bigquery.table, writeMetadata: true, useTableSchema: false, useTopicSchema: false }
        : undefined,
      dependsOn: [...apiDeps, ...(props.push ? grantDependencies(props.push.identity) : []), ...(props.dependsOn ?? [])],
    };
    const sub = new EventSubscription(this, id, {
      ...props,
      conversionEvents: this.holdsConversionEvents,
      config,
    });
    this.subs.push(sub);
    if (deadLettered) {
      // The service agent acknowledges a message on the source subscription when it dead-letters it.
      const role = 'roles/pubsub.subscriber';
      const grantee = agent.agent('pubsub');
      assertGrantable({ role, grantee, resource: `google_pubsub_subscription ${props.name}`, conversionEvents: this.holdsConversionEvents });
      new PubsubSubscriptionIamMember(sub, 'dead-letter-forward', {
        subscription: sub.subscription.id,
        role,
        member: grantee.member,
        dependsOn: grantDependencies(grantee),
      });
    }
    this.assertBudget(`google_pubsub_subscription ${props.name}`);
    return sub;
  }

  /** Lets `grantee` publish to the topic (roles/pubsub.publisher on this topic only). */
  grantPublish(grantee: IGrantee): PubsubTopicIamMember {
    return this.grantOnTopic(this.topic, this.name, 'roles/pubsub.publisher', grantee, `publish-${grantKey(grantee)}`);
  }

  /**
   * Worst case across the pipeline: the topic copy, and for each subscription its retention plus,
   * once dead-lettered (a new publish, so the clock restarts), the dead-letter subscription's.
   */
  get worstCaseLifetimeSeconds(): number {
    const deadLetterSeconds = this.deadLetterSubscription?.retentionSeconds ?? 0;
    const perSubscription = this.subs.map((s) =>
      worstCaseLifetimeSeconds({
        topicSeconds: this.topicRetentionSeconds,
        subscriptionSeconds: s.retentionSeconds,
        deadLetterTopicSeconds: 0,
        deadLetterSubscriptionSeconds: s.deadLettered ? deadLetterSeconds : 0,
      }),
    );
    return Math.max(this.topicRetentionSeconds, deadLetterSeconds, ...perSubscription);
  }

  private assertBudget(resource: string): void {
    if (this.maxLifetimeSeconds === undefined) return;
    const worst = this.worstCaseLifetimeSeconds;
    if (worst > this.maxLifetimeSeconds) {
      const parts = [
        `topic ${this.name} ${this.topicRetentionSeconds}s`,
        ...this.subs.map((s) => `subscription ${s.name} ${s.retentionSeconds}s${s.deadLettered ? ' (dead-lettered)' : ''}`),
        ...(this.deadLetterSubscription ? [`dead-letter subscription ${this.deadLetterSubscription.name} ${this.deadLetterSubscription.retentionSeconds}s`] : []),
      ];
      throw new Error(
        `${resource}: a ${this.dataClass} message could live ${worst}s (${(worst / 3600).toFixed(1)}h) in pipeline ${this.name} [${parts.join(
          ', ',
        )}], over its budget of ${this.maxLifetimeSeconds}s (RET-1, DPA ${CONVERSION_EVENT_MAX_LIFETIME.clause}: at most ${CONVERSION_EVENT_MAX_LIFETIME.hours} hours from receipt). Lower the subscription or dead-letter retention so that subscription + dead-letter retention fits.`,
      );
    }
  }

  private makeTopic(id: string, name: string, retentionSeconds: number | undefined, dependsOn: ITerraformDependable[]): PubsubTopic {
    return new PubsubTopic(this, id, {
      project: this.props.project.projectId,
      name,
      labels: { 'data-class': this.dataClass },
      kmsKeyName: this.encryptionKey?.keyName,
      messageRetentionDuration: retentionSeconds !== undefined ? formatDuration(retentionSeconds) : undefined,
      messageStoragePolicy: {
        allowedPersistenceRegions: [...this.persistenceRegions],
        enforceInTransit: this.props.enforceInTransit ?? true,
      },
      dependsOn,
    });
  }

  private subscriptionConfig(
    name: string,
    topic: PubsubTopic,
    retentionSeconds: number,
    ackDeadlineSeconds: number,
    dependsOn: ITerraformDependable[],
  ): ConstructorParameters<typeof PubsubSubscription>[2] {
    return {
      project: this.props.project.projectId,
      name,
      topic: topic.id,
      labels: { 'data-class': this.dataClass },
      messageRetentionDuration: formatDuration(retentionSeconds),
      // Acknowledged messages are gone at once; a seekable backlog would outlive the promise.
      retainAckedMessages: false,
      ackDeadlineSeconds,
      // The default deletes a subscription after 31 idle days, which would silently drop a quiet tenant's route.
      expirationPolicy: { ttl: '' },
      retryPolicy: { minimumBackoff: '10s', maximumBackoff: '600s' },
      dependsOn,
    };
  }

  private grantOnTopic(topic: PubsubTopic, name: string, role: string, grantee: IGrantee, id: string): PubsubTopicIamMember {
    assertGrantable({ role, grantee, resource: `google_pubsub_topic ${name}`, conversionEvents: this.holdsConversionEvents });
    return new PubsubTopicIamMember(this, id, {
      topic: topic.id,
      role,
      member: grantee.member,
      dependsOn: grantDependencies(grantee as IWorkloadGrantee),
    });
  }
}
