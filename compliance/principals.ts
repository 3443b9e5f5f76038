/**
 * Who an IAM member string names, as far as the synthesized stack tells: references to service
 * accounts, service identities and workload identity pools of the same stack are resolved, Google
 * service agents and default service accounts are recognised by their domains. Rules that judge a
 * principal (IAM-1, IAM-4, IAM-5, IAM-6, SUB-1, ISO-2) and the access map all read members here.
 */
import { PUBLIC_PRINCIPALS } from '../policy/iam-roles';
import { referencesIn, type SynthesizedStack } from './synthesized-stack';

export type PrincipalKind =
  | 'user'
  | 'group'
  | 'serviceAccount'
  | 'domain'
  | 'public'
  | 'principal'
  | 'principalSet'
  | 'projectRole'
  | 'unknown';

export interface Principal {
  /** The member as written in the stack (references unresolved). */
  readonly written: string;
  /** The member with every reference this module could resolve replaced by its value. */
  readonly member: string;
  readonly kind: PrincipalKind;
  /** The email of a user, group or service account, once resolved. */
  readonly email?: string;
  /** The domain of an email or a `domain:` member, lower-cased. */
  readonly domain?: string;
  /** The project a user-managed service account lives in (`<id>@<project>.iam.gserviceaccount.com`). */
  readonly serviceAccountProject?: string;
  /** The service account id (the part before @) of a user-managed service account. */
  readonly serviceAccountId?: string;
  /** A Google-managed service agent (Google Cloud is an Annex III subprocessor). */
  readonly isServiceAgent: boolean;
  /** A Compute Engine or App Engine default service account (IAM-4). */
  readonly isDefaultServiceAccount: boolean;
  /** A workload identity pool principal of a pool declared in this stack. */
  readonly isOwnWorkloadIdentity: boolean;
  /** A principal set of every service account under a folder declared in this stack (`principalSet://cloudresourcemanager...`). */
  readonly isOwnFolderSet: boolean;
  /** The address of the stack resource the member was resolved from, when it was a reference. */
  readonly resolvedFrom?: string;
  /** True when a reference remained that this module cannot resolve; rules treat such a member as unverified. */
  readonly unresolved: boolean;
}

/** Domains of Google-managed service agents besides the `gcp-sa-*` family. */
const SERVICE_AGENT_DOMAINS = new Set([
  'cloudservices.gserviceaccount.com',
  'cloudbuild.gserviceaccount.com',
  'container-engine-robot.iam.gserviceaccount.com',
  'compute-system.iam.gserviceaccount.com',
  'gs-project-accounts.iam.gserviceaccount.com',
  'bigquery-encryption.iam.gserviceaccount.com',
  'serverless-robot-prod.iam.gserviceaccount.com',
  'dataflow-service-producer-prod.iam.gserviceaccount.com',
  'gcf-admin-robot.iam.gserviceaccount.com',
  'containerregistry.iam.gserviceaccount.com',
  'service-networking.iam.gserviceaccount.com',
  'cloud-ml.google.com.iam.gserviceaccount.com',
  'firebase-rules.iam.gserviceaccount.com',
  'gae-api-prod.google.com.iam.gserviceaccount.com',
]);

/** Placeholder for a value only known at apply time (a project number, for example). */
export const UNKNOWN_VALUE = '<unknown>';

export function isServiceAgentDomain(domain: string): boolean {
  const d = domain.toLowerCase();
  return SERVICE_AGENT_DOMAINS.has(d) || /^gcp-sa-[a-z0-9-]+\.iam\.gserviceaccount\.com$/.test(d);
}

function isDefaultServiceAccountEmail(email: string): boolean {
  return /-compute@developer\.gserviceaccount\.com$/i.test(email) || /@appspot\.gserviceaccount\.com$/i.test(email);
}

/** Resources whose attributes are (or name) Google service agents. */
const SERVICE_AGENT_SOURCES: Record<string, readonly string[]> = {
  google_project_service_identity: ['email', 'member'],
  google_logging_project_sink: ['writer_identity'],
  google_logging_folder_sink: ['writer_identity'],
  google_logging_organization_sink: ['writer_identity'],
  google_logging_billing_account_sink: ['writer_identity'],
  google_bigquery_data_transfer_config: ['service_account_name'],
};
const SERVICE_AGENT_DATA_SOURCES: Record<string, readonly string[]> = {
  google_storage_project_service_account: ['email_address', 'member'],
  google_bigquery_default_service_account: ['email', 'member'],
  google_project_service_identity: ['email', 'member'],
};

/** Replaces the references of `written` that the stack can answer; reports what it learned on the way. */
function substitute(
  stack: SynthesizedStack,
  written: string,
): { text: string; serviceAgent: boolean; ownPool: boolean; ownFolder: boolean; resolvedFrom?: string; unresolved: boolean } {
  let text = written;
  let serviceAgent = false;
  let ownPool = false;
  let ownFolder = false;
  let unresolved = false;
  let resolvedFrom: string | undefined;
  const provider = (stack.json.provider?.google as Array<Record<string, unknown>> | undefined)?.find((p) => !p.alias);
  const defaultProject = typeof provider?.project === 'string' ? provider.project : undefined;
  for (const ref of referencesIn(written)) {
    const attr = ref.attribute.split('.')[0];
    if (ref.mode === 'data') {
      const block = stack.json.data?.[ref.type]?.[ref.name];
      if (block && SERVICE_AGENT_DATA_SOURCES[ref.type]?.includes(attr)) {
        serviceAgent = true;
        text = text.replace(ref.text, attr === 'member' ? `serviceAccount:${UNKNOWN_VALUE}` : UNKNOWN_VALUE);
        resolvedFrom = `data.${ref.type}.${ref.name}`;
      } else {
        text = text.replace(ref.text, UNKNOWN_VALUE);
        unresolved = true;
      }
      continue;
    }
    const target = stack.resources.find((r) => r.type === ref.type && r.name === ref.name);
    if (!target) {
      text = text.replace(ref.text, UNKNOWN_VALUE);
      unresolved = true;
      continue;
    }
    if (target.type === 'google_service_account') {
      const accountId = target.values.account_id;
      const project = typeof target.values.project === 'string' ? target.values.project : defaultProject;
      if (typeof accountId === 'string' && typeof project === 'string' && !accountId.includes('${') && !project.includes('${')) {
        const email = `${accountId}@${project}.iam.gserviceaccount.com`;
        const value =
          attr === 'email'
            ? email
            : attr === 'member'
            ? `serviceAccount:${email}`
            : attr === 'name' || attr === 'id'
            ? `projects/${project}/serviceAccounts/${email}`
            : attr === 'account_id'
            ? accountId
            : undefined;
        if (value !== undefined) {
          text = text.replace(ref.text, value);
          resolvedFrom = target.address;
          continue;
        }
      }
      text = text.replace(ref.text, UNKNOWN_VALUE);
      unresolved = true;
      continue;
    }
    if (SERVICE_AGENT_SOURCES[target.type]?.includes(attr)) {
      serviceAgent = true;
      text = text.replace(ref.text, attr === 'member' ? `serviceAccount:${UNKNOWN_VALUE}` : UNKNOWN_VALUE);
      resolvedFrom = target.address;
      continue;
    }
    if (target.type === 'google_iam_workload_identity_pool' && attr === 'name') {
      ownPool = true;
      text = text.replace(
        ref.text,
        `projects/${UNKNOWN_VALUE}/locations/global/workloadIdentityPools/${String(
          target.values.workload_identity_pool_id ?? UNKNOWN_VALUE,
        )}`,
      );
      resolvedFrom = target.address;
      continue;
    }
    if (target.type === 'google_folder' && (attr === 'folder_id' || attr === 'name' || attr === 'id')) {
      ownFolder = true;
      const prefix = attr === 'folder_id' ? '' : 'folders/';
      text = text.replace(ref.text, `${prefix}${String(target.values.display_name ?? UNKNOWN_VALUE)}`);
      resolvedFrom = target.address;
      continue;
    }
    if (target.type === 'google_project' && (attr === 'number' || attr === 'project_id')) {
      // A project number inside a service agent address; the domain decides what the member is.
      text = text.replace(ref.text, attr === 'project_id' ? String(target.values.project_id ?? UNKNOWN_VALUE) : UNKNOWN_VALUE);
      continue;
    }
    text = text.replace(ref.text, UNKNOWN_VALUE);
    unresolved = true;
  }
  return { text, serviceAgent, ownPool, ownFolder, resolvedFrom, unresolved };
}

/** Classifies one IAM member string of `stack`. */
export function resolvePrincipal(stack: SynthesizedStack, written: string): Principal {
  const sub = substitute(stack, written);
  const member = sub.text;
  const base = {
    written,
    member,
    isServiceAgent: sub.serviceAgent,
    isDefaultServiceAccount: false,
    isOwnWorkloadIdentity: false,
    isOwnFolderSet: false,
    resolvedFrom: sub.resolvedFrom,
    unresolved: sub.unresolved,
  };
  if ((PUBLIC_PRINCIPALS as readonly string[]).includes(member)) return { ...base, kind: 'public', unresolved: false };
  if (/^principal(Set)?:\/\//.test(member)) {
    const folderSet =
      sub.ownFolder && /^principalSet:\/\/cloudresourcemanager\.googleapis\.com\/folders\/[^/]+\/type\/ServiceAccount$/.test(member);
    return {
      ...base,
      kind: member.startsWith('principalSet:') ? 'principalSet' : 'principal',
      isOwnWorkloadIdentity: sub.ownPool,
      isOwnFolderSet: folderSet,
      unresolved: sub.unresolved && !sub.ownPool && !folderSet,
    };
  }
  // `deleted:` members name a principal that no longer exists but still holds the grant.
  const m = /^(?:deleted:)?(user|group|serviceAccount|domain|projectOwner|projectEditor|projectViewer):(.+?)(?:\?uid=\d+)?$/.exec(member);
  if (!m) return { ...base, kind: sub.serviceAgent ? 'serviceAccount' : 'unknown', unresolved: sub.unresolved || !sub.serviceAgent };
  const [, prefix, rest] = m;
  if (prefix === 'domain') return { ...base, kind: 'domain', domain: rest.toLowerCase() };
  if (prefix.startsWith('project')) return { ...base, kind: 'projectRole' };
  const email = rest;
  const domain = email.includes('@') ? email.split('@')[1].toLowerCase() : undefined;
  if (prefix !== 'serviceAccount') return { ...base, kind: prefix as 'user' | 'group', email, domain };
  const agent = sub.serviceAgent || (domain !== undefined && isServiceAgentDomain(domain));
  const sa = /^([a-z0-9-]+)@([a-z][a-z0-9-]+)\.iam\.gserviceaccount\.com$/.exec(email);
  return {
    ...base,
    kind: 'serviceAccount',
    email,
    domain,
    isServiceAgent: agent,
    isDefaultServiceAccount: isDefaultServiceAccountEmail(email),
    serviceAccountId: sa && !agent ? sa[1] : undefined,
    serviceAccountProject: sa && !agent ? sa[2] : undefined,
    // A service agent whose project number is unknown is still a service agent.
    unresolved: agent ? false : sub.unresolved,
  };
}

/** A BigQuery `user_by_email` may name a service account; IAM needs the right prefix. */
export function memberForEmail(email: string): string {
  return /\.gserviceaccount\.com$/i.test(email) || email.includes('${') ? `serviceAccount:${email}` : `user:${email}`;
}
