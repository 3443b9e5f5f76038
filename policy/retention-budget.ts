/**
 * The retention budget of a conversion-event pipeline (RET-1, CONVERSION_EVENT_MAX_LIFETIME of
 * policy/dpa.ts). Retention is a budget, not a setting: an event's worst-case lifetime runs across
 * the topic, the subscription and, once dead-lettered, the dead-letter topic and its subscription,
 * where the clock restarts because dead-lettering is a new publish.
 *
 * How the budget adds up is policy, so it lives here: the pipeline construct refuses to build a
 * pipeline over budget, and RET-1 judges the synthesized JSON (retention as Terraform will read it,
 * overrides included) with the same arithmetic.
 */

export interface PipelineRetention {
  /** Topic `message_retention_duration` in seconds; 0 when the topic keeps no messages. */
  readonly topicSeconds: number;
  /** Subscription `message_retention_duration` in seconds (Pub/Sub defaults it, PUBSUB_SUBSCRIPTION_DEFAULT_RETENTION). */
  readonly subscriptionSeconds: number;
  /** Dead-letter topic retention in seconds; 0 when unset or when there is no dead-letter topic. */
  readonly deadLetterTopicSeconds: number;
  /** Longest retention of any subscription on the dead-letter topic; 0 when none. */
  readonly deadLetterSubscriptionSeconds: number;
}

/**
 * Worst case: the topic copy lives `topicSeconds` from publish; the subscription copy lives until
 * it is dead-lettered at the latest `subscriptionSeconds` after publish, and the dead-lettered copy
 * then lives as long as the dead-letter topic or its subscription keeps it.
 */
export function worstCaseLifetimeSeconds(r: PipelineRetention): number {
  const afterDeadLetter = Math.max(r.deadLetterTopicSeconds, r.deadLetterSubscriptionSeconds);
  return Math.max(r.topicSeconds, r.subscriptionSeconds + afterDeadLetter);
}

/** Parses a Pub/Sub duration such as "43200s" into seconds; undefined for absent values. */
export function parseDurationSeconds(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number') return value;
  const m = /^(\d+(?:\.\d+)?)s$/.exec(String(value));
  if (!m) throw new Error(`not a duration in seconds: ${JSON.stringify(value)} (expected for example "43200s")`);
  return Number(m[1]);
}

export function formatDuration(seconds: number): string {
  return `${seconds}s`;
}
