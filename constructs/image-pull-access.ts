/**
 * Lets the tenant project's Cloud Run service agent pull the relay images from the platform's
 * registry. Cloud Run pulls with its service agent, not with the workload's own account, and the
 * agent's address carries the tenant's project number, which only the tenant stack knows; so the
 * grant is made here, on the one repository, by name (no cross-stack reference).
 * Only in a project Smart Segments owns: a customer's own project's agent belongs to the customer's
 * organization, which domain-restricted sharing does not admit here, so that project pulls from its
 * own copy instead (TenantImageRepository).
 */
import { Construct } from 'constructs';
import { ArtifactRegistryRepositoryIamMember } from '@cdktf/provider-google/lib/artifact-registry-repository-iam-member';
import { sharedProjectId } from '../config/naming';
import type { PlatformConfig } from '../config/schema';
import { CONTAINER_REPOSITORY_ID, containerRegistryLocation } from './container-registry';
import { assertGrantable, grantDependencies } from './grant-policy';
import type { ServiceAgents } from './service-agents';

export const IMAGE_PULL_ROLE = 'roles/artifactregistry.reader';

export interface ImagePullAccessProps {
  readonly serviceAgents: ServiceAgents;
  readonly platform: Pick<PlatformConfig, 'projectPrefix' | 'platformJurisdiction'>;
}

export class ImagePullAccess extends Construct {
  readonly grant: ArtifactRegistryRepositoryIamMember;

  constructor(scope: Construct, id: string, props: ImagePullAccessProps) {
    super(scope, id);
    const agent = props.serviceAgents.agent('run');
    const repository = `${sharedProjectId(props.platform)}/${CONTAINER_REPOSITORY_ID}`;
    assertGrantable({ role: IMAGE_PULL_ROLE, grantee: agent, resource: `google_artifact_registry_repository ${repository}` });
    this.grant = new ArtifactRegistryRepositoryIamMember(this, 'cloud-run-agent', {
      project: sharedProjectId(props.platform),
      location: containerRegistryLocation(props.platform.platformJurisdiction),
      repository: CONTAINER_REPOSITORY_ID,
      role: IMAGE_PULL_ROLE,
      member: agent.member,
      dependsOn: grantDependencies(agent),
    });
  }
}
