/**
 * TenantImageRepository: in a customer's own project (HAND-2), the Artifact Registry repository that
 * holds the tenant's copy of the relay images, in the tenant's region (RES-1). The project's Cloud
 * Run service agent belongs to the customer's organization, which our domain-restricted sharing does
 * not admit on the platform repository, so the workloads pull from here instead, with no grant
 * (config/relay-images.ts). An operator copies each image by the digest platform.yaml pins and
 * records it (`copiedImages`); the platform administrators' group may push here for that, and
 * nowhere else in the project, and the tenant deployer of its jurisdiction (`ci-tenant-<j>`) may
 * read it, as Cloud Run requires of whoever deploys an image. The repository holds container images of Smart Segments' code, no
 * Customer Data (`data-class: operational`), so it has no key of the tenant (ENC-2 covers data stores).
 */
import { Construct } from 'constructs';
import { jurisdictionRules, type Jurisdiction } from '../config/jurisdictions';
import { serviceAccountEmail, sharedProjectId, tenantDeployerId } from '../config/naming';
import { RELAY_REPOSITORY_ID, copiedDigestProblem, tenantImageReference, type RelayImageKey } from '../config/relay-images';
import type { ResolvedTenant } from '../config/loader';
import type { PlatformConfig } from '../config/schema';
import { ContainerRegistry } from './container-registry';
import { group, serviceAccount } from './principal';
import type { TenantProject } from './tenant-project';

export interface TenantImageRepositoryProps {
  readonly project: TenantProject;
  readonly tenant: Pick<ResolvedTenant, 'id' | 'projectId' | 'region' | 'warehouse' | 'copiedImages' | 'sourceFile'> & { readonly jurisdiction: Jurisdiction };
  readonly platform: Pick<PlatformConfig, 'images' | 'groups' | 'projectPrefix'>;
}

export class TenantImageRepository extends Construct {
  readonly registry: ContainerRegistry;
  private readonly props: TenantImageRepositoryProps;

  constructor(scope: Construct, id: string, props: TenantImageRepositoryProps) {
    super(scope, id);
    const { project, tenant, platform } = props;
    if (project.isOwnedBySmartSegments) {
      throw new Error(`TenantImageRepository ${this.node.path}: project ${project.projectId} is Smart Segments' own; its workloads pull from the platform registry (ImagePullAccess)`);
    }
    if (!jurisdictionRules(tenant.jurisdiction).regions.includes(tenant.region)) {
      throw new Error(`TenantImageRepository ${this.node.path}: region "${tenant.region}" is not in jurisdiction ${tenant.jurisdiction} (RES-1)`);
    }
    this.props = props;
    this.registry = new ContainerRegistry(this, 'registry', {
      projectId: project.projectId,
      jurisdiction: tenant.jurisdiction,
      location: tenant.region,
      repositoryId: RELAY_REPOSITORY_ID,
      labels: { 'data-class': 'operational' },
      // No cleanup policy: copies by digest are untagged, and every new revision (any change to a
      // service or job) imports its pinned image again (cloud.google.com/run/docs/deploying), so a
      // policy on untagged versions could break the next deploy. The API is the customer's to enable (HAND-2).
    });
    // Whoever copies reads the platform repository and writes here; admitted by the customer's
    // domain-restricted sharing like every other grant to our organization in its project.
    this.registry.grantWrite(group(platform.groups.platformAdmins));
    // Cloud Run checks that whoever creates or updates a service or job may read its image
    // (cloud.google.com/run/docs/deploying, "Required roles": Artifact Registry Reader on the image's
    // repository). Granted with the repository, so it has propagated when the workloads appear.
    this.registry.grantRead(serviceAccount(serviceAccountEmail(sharedProjectId(platform), tenantDeployerId(tenant.jurisdiction))));
  }

  /**
   * The tenant's copy of the platform image `key`: same name and digest, in this repository. Throws
   * when the digest recorded as copied is not the one platform.yaml pins (the copy would not exist).
   */
  imageFor(key: RelayImageKey): string {
    const { tenant, platform } = this.props;
    const problem = copiedDigestProblem(tenant, platform.images, key);
    if (problem) throw new Error(`TenantImageRepository ${this.node.path}: ${problem}`);
    return tenantImageReference(platform.images[key], tenant.projectId, tenant.region);
  }
}
