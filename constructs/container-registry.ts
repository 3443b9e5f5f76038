/**
 * ContainerRegistry: the Artifact Registry repository of the platform's container images (the relay
 * services and jobs every tenant runs), in the platform jurisdiction's default region (RES-1). Tags
 * are immutable and deployments pin images by digest (CI-1), so what runs is what was reviewed.
 * Access is granted on the repository only, through grantRead.
 */
import { Construct } from 'constructs';
import { Token, type ITerraformDependable } from 'cdktf';
import { ArtifactRegistryRepository } from '@cdktf/provider-google/lib/artifact-registry-repository';
import { ArtifactRegistryRepositoryIamMember } from '@cdktf/provider-google/lib/artifact-registry-repository-iam-member';
import { jurisdictionRules, type Jurisdiction } from '../config/jurisdictions';
import { assertGrantable, grantDependencies, grantKey, roleKey } from './grant-policy';
import type { IGrantee } from './principal';

/** The repository id; platform.yaml `images` are pulled from `<region>-docker.pkg.dev/<project>/<id>/`. */
export const CONTAINER_REPOSITORY_ID = 'relay';

/** Where the registry lives: the default region of the platform's home jurisdiction. */
export function containerRegistryLocation(jurisdiction: Jurisdiction): string {
  return jurisdictionRules(jurisdiction).defaultRegion;
}

export interface ContainerRegistryProps {
  readonly projectId: string;
  /** The repository is created in this jurisdiction's default region, unless `location` names one of its regions. */
  readonly jurisdiction: Jurisdiction;
  /** A region of `jurisdiction` (RES-1). Default: the jurisdiction's default region. */
  readonly location?: string;
  /** Labels besides the stack's required ones. Default: none. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Repository id. Default CONTAINER_REPOSITORY_ID. */
  readonly repositoryId?: string;
  /** Resources the repository must wait for (the project's Artifact Registry API). Default none. */
  readonly dependsOn?: ITerraformDependable[];
}

export class ContainerRegistry extends Construct {
  readonly repository: ArtifactRegistryRepository;
  readonly location: string;
  readonly repositoryId: string;
  /** `<location>-docker.pkg.dev/<project>/<repository>`, the prefix of every image in it. */
  readonly imagePrefix: string;
  private readonly projectId: string;
  private readonly readers = new Set<string>();

  constructor(scope: Construct, id: string, props: ContainerRegistryProps) {
    super(scope, id);
    this.projectId = props.projectId;
    const regions = jurisdictionRules(props.jurisdiction).regions;
    if (props.location !== undefined && !regions.includes(props.location)) {
      throw new Error(`ContainerRegistry ${this.node.path}: location "${props.location}" is not a region of jurisdiction ${props.jurisdiction} (RES-1); allowed: ${regions.join(', ')}`);
    }
    this.location = props.location ?? containerRegistryLocation(props.jurisdiction);
    this.repositoryId = props.repositoryId ?? CONTAINER_REPOSITORY_ID;
    this.imagePrefix = `${this.location}-docker.pkg.dev/${props.projectId}/${this.repositoryId}`;
    this.repository = new ArtifactRegistryRepository(this, 'repository', {
      project: props.projectId,
      location: this.location,
      repositoryId: this.repositoryId,
      format: 'DOCKER',
      description: 'Container images of the Smart Segments relay services and jobs',
      // A tag cannot be moved to another image, so a digest once reviewed keeps its name.
      dockerConfig: { immutableTags: true },
      labels: props.labels ? { ...props.labels } : undefined,
      dependsOn: props.dependsOn,
    });
  }

  /** Lets `grantee` pull images from this repository and nothing else (roles/artifactregistry.reader on the repository). */
  grantRead(grantee: IGrantee): ArtifactRegistryRepositoryIamMember {
    return this.grantRepositoryRole('roles/artifactregistry.reader', grantee);
  }

  /** Lets `grantee` push (and pull) images in this repository and nothing else (roles/artifactregistry.writer on the repository). */
  grantWrite(grantee: IGrantee): ArtifactRegistryRepositoryIamMember {
    return this.grantRepositoryRole('roles/artifactregistry.writer', grantee);
  }

  private grantRepositoryRole(role: string, grantee: IGrantee): ArtifactRegistryRepositoryIamMember {
    assertGrantable({ role, grantee, resource: `google_artifact_registry_repository ${this.repositoryId}` });
    if (this.readers.has(grantee.member)) {
      throw new Error(`ContainerRegistry ${this.repositoryId}: ${grantee.member} already has ${role.endsWith('.reader') ? 'read' : 'write'} access`);
    }
    this.readers.add(grantee.member);
    return new ArtifactRegistryRepositoryIamMember(this, `${roleKey(role)}-${readerKey(grantee)}`, {
      project: this.projectId,
      location: this.location,
      repository: this.repository.name,
      role,
      member: grantee.member,
      dependsOn: grantDependencies(grantee),
    });
  }
}

/** Readers come from many tenant projects whose accounts share ids, so the key keeps the whole email. */
function readerKey(grantee: IGrantee): string {
  if (Token.isUnresolved(grantee.member)) return grantKey(grantee);
  return grantee.member
    .replace(/^[a-zA-Z]+:/, '')
    .replace(/\.iam\.gserviceaccount\.com$/, '')
    .replace(/[^a-zA-Z0-9-]+/g, '-')
    .toLowerCase();
}
