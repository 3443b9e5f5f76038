/**
 * The tenant's GCP project (ISO-1: one project per tenant). Creates it in the jurisdiction's folder
 * with the tenant's lifecycle deletion policy, enables the APIs the platform needs and deprivileges
 * the default service accounts (IAM-4). Google makes a project's creator its Owner; the deployer
 * that creates the project gives that role back at once (IAM-1/creator-owner-removed) and works
 * there through its folder roles only. For a project the customer brings (HAND-2) it creates
 * nothing: it only names the project, so every other construct can still target it.
 */
import { Construct } from 'constructs';
import { Aspects, TerraformResource, TerraformStack, Token, dependable, type IAspect, type TerraformProvider } from 'cdktf';
import type { IConstruct } from 'constructs';
import { Project } from '@cdktf/provider-google/lib/project';
import { ProjectService } from '@cdktf/provider-google/lib/project-service';
import { ProjectDefaultServiceAccounts } from '@cdktf/provider-google/lib/project-default-service-accounts';
import { ProjectIamMemberRemove } from '@cdktf/provider-google/lib/project-iam-member-remove';
import type { IGrantee } from './principal';
import { PROJECT_POLICY_WRITERS } from '../policy/project-policy-writers';

export interface TenantProjectProps {
  /** The project id (validated by the config schema). */
  readonly projectId: string;
  /** Display name; defaults to the project id. */
  readonly displayName?: string;
  /**
   * `smart-segments`: this code creates and owns the project.
   * `customer`: the customer's existing project; nothing project-wide is created or changed.
   */
  readonly ownership: 'smart-segments' | 'customer';
  /** `folders/<id>`; this or `organizationId` is required when this code creates the project. */
  readonly folderId?: string;
  /**
   * Numeric organization id to place the project directly under an organization: the customer's
   * organization once a handover transfers the project (HAND-1). Exclusive with `folderId`.
   */
  readonly organizationId?: string;
  /** Required when this code creates the project. */
  readonly billingAccount?: string;
  /** google_project `deletion_policy`. Default PREVENT. */
  readonly deletionPolicy?: 'PREVENT' | 'DELETE' | 'ABANDON';
  /** Labels that belong to the project only (for example `llm-support`, LLM-1). */
  readonly projectLabels?: Readonly<Record<string, string>>;
  /**
   * The stack's google-beta provider. Needed when this code creates the project and something
   * grants to one of its service agents: only google-beta can create an agent on request
   * (google_project_service_identity), see ServiceAgents.
   */
  readonly betaProvider?: TerraformProvider;
  /**
   * The identity that applies the stack and so creates the project (the tenant deployer): Google
   * gives it roles/owner, which this removes (IAM-1/creator-owner-removed): the tenant deployer in a
   * tenant stack, ci-platform in the platform stack (docs/security.md, implicit ownership).
   */
  readonly creator?: IGrantee;
}

export class TenantProject extends Construct {
  readonly projectId: string;
  readonly ownership: 'smart-segments' | 'customer';
  /** The google_project resource, when this code creates the project. */
  readonly project?: Project;
  /** The google-beta provider for resources only it has (service identities), when the stack has one. */
  readonly betaProvider?: TerraformProvider;
  /** The removal of the creator's implicit roles/owner, when this code creates the project. */
  readonly creatorOwnerRemoval?: ProjectIamMemberRemove;
  private readonly services = new Map<string, ProjectService>();

  constructor(scope: Construct, id: string, props: TenantProjectProps) {
    super(scope, id);
    this.projectId = props.projectId;
    this.ownership = props.ownership;
    this.betaProvider = props.betaProvider;
    if (props.ownership === 'customer') return;

    if ((!props.folderId && !props.organizationId) || (props.folderId && props.organizationId) || !props.billingAccount) {
      throw new Error(
        `TenantProject ${props.projectId}: exactly one of folderId or organizationId, and a billingAccount, are required when Smart Segments creates the project`,
      );
    }
    this.project = new Project(this, 'project', {
      projectId: props.projectId,
      name: (props.displayName ?? props.projectId).replace(/[^A-Za-z0-9 '!-]/g, '').slice(0, 30).trim() || props.projectId,
      folderId: props.folderId,
      orgId: props.organizationId,
      billingAccount: props.billingAccount,
      // Default network would be an open VPC nobody declared; workloads here are serverless.
      autoCreateNetwork: false,
      deletionPolicy: props.deletionPolicy ?? 'PREVENT',
      labels: { ...(props.projectLabels ?? {}) },
    });

    // Google makes the creator Owner; the creator removes itself at once (IAM-1/creator-owner-removed).
    // resource_google_project_iam_member_remove.go v6.50.0: Create removes the member from every
    // binding of the role (conditional ones too); Read forgets the resource if the member is bound
    // again, so the next plan removes it again; Delete only forgets.
    if (props.creator) {
      this.creatorOwnerRemoval = new ProjectIamMemberRemove(this, 'creator-owner-removal', {
        project: this.projectId,
        role: 'roles/owner',
        member: props.creator.member,
        dependsOn: [this.project],
      });
      orderAfterPolicyWrites(this.creatorOwnerRemoval, this.projectId);
    }

    // IAM-4: the Compute and App Engine default service accounts get no roles.
    const iam = this.enableApi('iam.googleapis.com');
    new ProjectDefaultServiceAccounts(this, 'default-service-accounts', {
      project: this.projectId,
      action: 'DEPRIVILEGE',
      restorePolicy: 'REVERT_AND_IGNORE_FAILURE',
      dependsOn: iam ? [iam] : [],
    });
  }

  /** True when Smart Segments created (and so owns) the project. */
  get isOwnedBySmartSegments(): boolean {
    return this.ownership === 'smart-segments';
  }

  /**
   * Enables an API on the project (once, however many constructs ask) and returns the resource
   * to depend on. In a customer's project it enables nothing, because we do not change a project we
   * do not own (HAND-2): the customer enables the APIs before the first apply (README, warehouse modes).
   */
  enableApi(api: string): ProjectService | undefined {
    if (!this.project) return undefined;
    let service = this.services.get(api);
    if (!service) {
      service = new ProjectService(this, `api-${api.split('.')[0]}`, {
        project: this.projectId,
        service: api,
        // Turning an API off on destroy would break other resources still being destroyed.
        disableOnDestroy: false,
        disableDependentServices: false,
        dependsOn: [this.project],
      });
      this.services.set(api, service);
    }
    return service;
  }
}

/** The removals ordered by orderAfterPolicyWrites: never ordered after one another (that would be a cycle). */
const orderedRemovals = new WeakSet<TerraformResource>();

/**
 * At synthesis, makes `removal` depend on every other write of `project`'s allow policy in its stack,
 * whenever it was added (DEP-POLICY-ORDER checks the result). Only that project's: the platform stack
 * creates several projects, each with its own removal, and removals ordered after one another's
 * writes would form a cycle Terraform refuses.
 */
function orderAfterPolicyWrites(removal: ProjectIamMemberRemove, projectId: string): void {
  orderedRemovals.add(removal);
  // The writer's configured project (the generated `projectInput`; `project` is its own attribute's
  // token). A literal id decides; a token or no project (the provider's) may be this one, so it waits too.
  const writesThisProject = (node: TerraformResource): boolean => {
    const named: unknown = (node as unknown as { projectInput?: unknown }).projectInput;
    return typeof named !== 'string' || named === projectId || named === `projects/${projectId}` || Token.isUnresolved(named);
  };
  const aspect: IAspect = {
    visit(node: IConstruct) {
      if (node === removal || !(node instanceof TerraformResource) || !PROJECT_POLICY_WRITERS.has(node.terraformResourceType)) return;
      if (orderedRemovals.has(node) || !writesThisProject(node)) return;
      const after = dependable(node);
      if (!(removal.dependsOn ?? []).includes(after)) removal.dependsOn = [...(removal.dependsOn ?? []), after];
    },
  };
  Aspects.of(TerraformStack.of(removal)).add(aspect);
}
