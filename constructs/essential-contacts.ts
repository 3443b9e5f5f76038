/**
 * Essential contacts on the tenant project, so Google's security and legal notices reach the
 * customer's named contacts (BRE-1, DPA 8.1) as well as Smart Segments' security team.
 *
 * The folder admits only Smart Segments' contact domains (`essentialcontacts.allowedContactDomains`,
 * OrganizationPolicies), so this construct admits its contacts' domains on the project itself, with
 * `inheritFromParent = true`: the project's effective list is the folder's merged with its own
 * ("If a resource sets inheritFromParent = true, the effective policy of the resource is the parent's
 * effective policy inherited, merged, and reconciled", https://cloud.google.com/resource-manager/docs/organization-policy/understanding-hierarchy).
 * The tenant list therefore never reaches the folder, and each contact waits for its admission.
 */
import { Construct } from 'constructs';
import { EssentialContactsContact } from '@cdktf/provider-google/lib/essential-contacts-contact';
import { OrgPolicyPolicy } from '@cdktf/provider-google/lib/org-policy-policy';
import { domainOfEmail } from '../config/contact-domains';
import { allowedContactDomainValues } from './organization-policies';
import type { TenantProject } from './tenant-project';

export const CONTACT_DOMAINS_CONSTRAINT = 'essentialcontacts.allowedContactDomains';

export interface EssentialContactsProps {
  readonly project: TenantProject;
  /** Receives SECURITY, TECHNICAL_INCIDENTS and SUSPENSION notices. */
  readonly securityEmails: readonly string[];
  /** Receives LEGAL notices. */
  readonly legalEmails: readonly string[];
}

export class EssentialContacts extends Construct {
  /** The project's admission of its contacts' domains; undefined in a customer's project (HAND-2). */
  readonly contactDomains?: OrgPolicyPolicy;

  constructor(scope: Construct, id: string, props: EssentialContactsProps) {
    super(scope, id);
    const api = props.project.enableApi('essentialcontacts.googleapis.com');
    const categories = new Map<string, Set<string>>();
    const add = (email: string, cats: string[]) => {
      const set = categories.get(email) ?? new Set<string>();
      cats.forEach((c) => set.add(c));
      categories.set(email, set);
    };
    props.securityEmails.forEach((e) => add(e, ['SECURITY', 'TECHNICAL_INCIDENTS', 'SUSPENSION']));
    props.legalEmails.forEach((e) => add(e, ['LEGAL']));
    const emails = [...categories.keys()];
    if (props.project.project) {
      const parent = `projects/${props.project.projectId}`;
      this.contactDomains = new OrgPolicyPolicy(this, 'allowed-contact-domains', {
        name: `${parent}/policies/${CONTACT_DOMAINS_CONSTRAINT}`,
        parent,
        spec: {
          inheritFromParent: true,
          rules: [{ values: { allowedValues: allowedContactDomainValues(`EssentialContacts ${props.project.projectId}`, emails.map(domainOfEmail)) } }],
        },
        // A policy on a project needs the project (orgpolicy.googleapis.com is called on the caller's quota project).
        dependsOn: [props.project.project],
      });
    }
    for (const [email, cats] of [...categories.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      new EssentialContactsContact(this, email.replace(/[^a-z0-9]+/gi, '-').toLowerCase(), {
        parent: `projects/${props.project.projectId}`,
        email,
        languageTag: 'en',
        notificationCategorySubscriptions: [...cats].sort(),
        // A contact whose domain is not admitted yet is refused: wait for the project's admission.
        dependsOn: [...(api ? [api] : []), ...(this.contactDomains ? [this.contactDomains] : [])],
      });
    }
  }
}
