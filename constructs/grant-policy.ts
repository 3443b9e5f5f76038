/**
 * The checks every grant method runs before it binds a role (IAM-1, IAM-2, IAM-5, IAM-6, RET-1).
 * A grant that would break a control throws at construction, naming the resource, the role and the fix,
 * so a least-privilege mistake never reaches a plan.
 */
import { Token, type ITerraformDependable } from 'cdktf';
import {
  FORBIDDEN_FOR_CONVERSION_WORKLOADS,
  PUBLIC_PRINCIPALS,
  isBasicRole,
  isCustomRole,
  roleExists,
  roleGrantsPermission,
} from '../policy/iam-roles';
import { CONVERSION_EVENT_MAX_LIFETIME, describePromise } from '../policy/dpa';
import type { IGrantee } from './principal';

/** A grantee that can tell grant methods more than its member string. */
export interface IWorkloadGrantee extends IGrantee {
  /** True for a workload that reads or writes conversion events: it may never hold a snapshot role (RET-1). */
  readonly handlesConversionEvents?: boolean;
  /** Resources a binding must wait for, such as the service account being created. */
  readonly grantDependencies?: readonly ITerraformDependable[];
  /** Stable, id-safe name used in construct ids of the grants (required when `member` is a token). */
  readonly grantKey?: string;
}

export interface GrantRequest {
  readonly role: string;
  readonly grantee: IGrantee;
  /** What the role is bound on, for messages: for example `google_pubsub_topic conversion-events`. */
  readonly resource: string;
  /** The resource stores conversion events (RET-1). */
  readonly conversionEvents?: boolean;
}

export function handlesConversionEvents(grantee: IGrantee): boolean {
  return (grantee as IWorkloadGrantee).handlesConversionEvents === true;
}

export function grantDependencies(grantee: IGrantee): ITerraformDependable[] {
  return [...((grantee as IWorkloadGrantee).grantDependencies ?? [])];
}

/** A short, stable construct-id fragment for a grantee. */
export function grantKey(grantee: IGrantee): string {
  const key = (grantee as IWorkloadGrantee).grantKey;
  if (key) return key;
  if (Token.isUnresolved(grantee.member)) {
    throw new Error(`grant: member ${grantee.member} is a token; give the grantee a grantKey so construct ids stay stable`);
  }
  return grantee.member.replace(/^[a-zA-Z]+:/, '').replace(/@.*$/, '').replace(/[^a-zA-Z0-9-]+/g, '-').toLowerCase();
}

/** The role's short name for construct ids: `roles/pubsub.publisher` -> `pubsub-publisher`. */
export function roleKey(role: string): string {
  return role.replace(/^.*roles\//, '').replace(/[^a-zA-Z0-9]+/g, '-').toLowerCase();
}

/** Throws when binding `role` to `grantee` on `resource` would break a control. */
export function assertGrantable(req: GrantRequest): void {
  const { role, grantee, resource } = req;
  const member = grantee.member;
  if ((PUBLIC_PRINCIPALS as readonly string[]).includes(member)) {
    throw new Error(
      `${resource}: ${member} may not be granted ${role} (IAM-6). A public webhook is opened with invokerIamDisabled on a service whose ingress is INTERNAL_LOAD_BALANCER (RelayService exposure "public-webhook"), never with a public member.`,
    );
  }
  if (member.startsWith('user:')) {
    throw new Error(`${resource}: ${member} is a person; grant ${role} to a group instead (IAM-5)`);
  }
  if (isBasicRole(role)) {
    throw new Error(`${resource}: basic role ${role} may not be granted to ${member} (IAM-1); use the predefined role for the task`);
  }
  if (!roleExists(role) && !isCustomRole(role)) {
    throw new Error(`${resource}: role ${role} is not a predefined Google Cloud role (see policy/data); check its spelling`);
  }
  if (req.conversionEvents || handlesConversionEvents(grantee)) {
    const forbidden = FORBIDDEN_FOR_CONVERSION_WORKLOADS.filter((p) => roleGrantsPermission(role, p));
    if (forbidden.length > 0) {
      throw new Error(
        `${resource}: ${role} carries ${forbidden.join(', ')}, which would let ${member} keep conversion events in a snapshot for up to 7 days, past the ${describePromise(CONVERSION_EVENT_MAX_LIFETIME)} (RET-1); grant a role without it, such as roles/pubsub.subscriber`,
      );
    }
  }
}
