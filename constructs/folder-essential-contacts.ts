/**
 * FolderEssentialContacts: Google's security, incident and legal notices about any project under a
 * folder reach Smart Segments' security and legal contacts (BRE-1, DPA 8.1), including the platform's
 * own projects, which have no per-project contacts. Tenant projects add their customer's contacts
 * on top (EssentialContacts in the tenant stack).
 */
import { Construct } from 'constructs';
import { EssentialContactsContact } from '@cdktf/provider-google/lib/essential-contacts-contact';

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export interface FolderEssentialContactsProps {
  /** The folder's resource name, `folders/<id>` (usually `google_folder.name`). */
  readonly folderName: string;
  /** Receives SECURITY, TECHNICAL_INCIDENTS and SUSPENSION notices. */
  readonly securityEmail: string;
  /** Receives LEGAL notices. */
  readonly legalEmail: string;
}

export class FolderEssentialContacts extends Construct {
  readonly contacts: readonly EssentialContactsContact[];

  constructor(scope: Construct, id: string, props: FolderEssentialContactsProps) {
    super(scope, id);
    for (const email of [props.securityEmail, props.legalEmail]) {
      if (!EMAIL.test(email)) throw new Error(`FolderEssentialContacts: "${email}" is not an email address`);
    }
    const categories = new Map<string, Set<string>>();
    const add = (email: string, cats: readonly string[]) => {
      const set = categories.get(email) ?? new Set<string>();
      cats.forEach((c) => set.add(c));
      categories.set(email, set);
    };
    add(props.securityEmail, ['SECURITY', 'TECHNICAL_INCIDENTS', 'SUSPENSION']);
    add(props.legalEmail, ['LEGAL']);
    this.contacts = [...categories.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([email, cats]) =>
          new EssentialContactsContact(this, email.replace(/[^a-z0-9]+/gi, '-').toLowerCase(), {
            parent: props.folderName,
            email,
            languageTag: 'en',
            notificationCategorySubscriptions: [...cats].sort(),
          }),
      );
  }
}
