/**
 * SecretRotationNotices (SEC-2): the Pub/Sub topic Secret Manager publishes rotation notices to, one
 * per tenant project, and the subscription the platform team reads them from. Notices name the
 * secret, never its value. Secret Manager's service agent may publish here and nowhere else.
 */
import { Construct } from 'constructs';
import type { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import type { Jurisdiction } from '../config/jurisdictions';
import { EventPipeline, type EventSubscription } from './event-pipeline';
import type { IGrantee } from './principal';
import type { ServiceAgents } from './service-agents';
import type { TenantProject } from './tenant-project';

/** A notice waits a week for someone to act on it; it holds no Customer Data. */
export const ROTATION_NOTICE_RETENTION_SECONDS = 7 * 24 * 60 * 60;

export interface SecretRotationNoticesProps {
  readonly project: TenantProject;
  readonly jurisdiction: Jurisdiction;
  readonly serviceAgents: ServiceAgents;
  /** Who reads the notices and rotates the credentials (a group, IAM-5). Default: nobody is granted. */
  readonly readers?: readonly IGrantee[];
}

export class SecretRotationNotices extends Construct {
  readonly pipeline: EventPipeline;
  readonly subscription: EventSubscription;
  /** Secrets must wait for this grant: Secret Manager checks it can publish when a secret names the topic. */
  readonly agentPublish: PubsubTopicIamMember;

  constructor(scope: Construct, id: string, props: SecretRotationNoticesProps) {
    super(scope, id);
    this.pipeline = new EventPipeline(this, 'pipeline', {
      project: props.project,
      jurisdiction: props.jurisdiction,
      serviceAgents: props.serviceAgents,
      name: 'secret-rotation',
      dataClass: 'operational',
    });
    this.subscription = this.pipeline.addSubscription('notices', {
      name: 'secret-rotation-notices',
      retentionSeconds: ROTATION_NOTICE_RETENTION_SECONDS,
    });
    this.agentPublish = this.pipeline.grantPublish(props.serviceAgents.agent('secretmanager'));
    for (const reader of props.readers ?? []) this.subscription.grantConsume(reader);
  }

  /** The topic id to name in a secret's `topics`. */
  get topicId(): string {
    return this.pipeline.topic.id;
  }
}
