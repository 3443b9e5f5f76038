/**
 * Who a grant goes to. Grant methods on constructs take an IGrantee, never a raw member string,
 * so principals are built in one place and IAM-5 (people only through groups) holds by construction.
 */

export interface IGrantee {
  /** IAM member string, for example `serviceAccount:x@p.iam.gserviceaccount.com` or `group:g@d`. */
  readonly member: string;
}

/** A group of people (IAM-5: never `user:`). */
export function group(email: string): IGrantee {
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new Error(`group(): "${email}" is not an email address`);
  return { member: `group:${email}` };
}

/** A service account by email, for accounts this code does not create (service agents, other stacks). */
export function serviceAccount(email: string): IGrantee {
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new Error(`serviceAccount(): "${email}" is not a service account email`);
  return { member: `serviceAccount:${email}` };
}
