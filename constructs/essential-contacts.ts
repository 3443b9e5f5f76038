/**
 * Essential contacts on the tenant project, so Google's security and legal notices reach the
 * customer's named contacts (BRE-1, DPA 8.1) as well as Smart Segments' security team.
 */
import { Construct } from 'constructs';
import { EssentialContactsContact } from '@cdktf/provider-google/lib/essential-contacts-contact';
import type { TenantProject } from './tenant-project';

export interface EssentialContactsProps {
  readonly project: TenantProject;
  /** Receives SECURITY, TECHNICAL_INCIDENTS and SUSPENSION notices. */
  readonly securityEmails: readonly string[];
  /** Receives LEGAL notices. */
  readonly legalEmails: readonly string[];
}

export class EssentialContacts extends Construct {
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
    for (const [email, cats] of [...categories.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      new EssentialContactsContact(this, email.replace(/[^a-z0-9]+/gi, '-').toLowerCase(), {
        parent: `projects/${props.project.projectId}`,
        email,
        languageTag: 'en',
        notificationCategorySubscriptions: [...cats].sort(),
        dependsOn: api ? [api] : [],
      });
    }
  }
}
