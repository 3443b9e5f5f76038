/**
 * Which email domains essential contacts may use (`essentialcontacts.allowedContactDomains`, BRE-1),
 * and where each is admitted: Smart Segments' own on every managed folder (platform stack), a
 * tenant's contacts' on that tenant's project (tenant stack). The stacks and the rules read both here.
 */
import type { PlatformConfig, TenantConfig } from './schema';

/** The DNS domain of an email address, lower case ('' when there is none). */
export function domainOfEmail(email: string): string {
  return (email.split('@')[1] ?? '').toLowerCase();
}

/** Smart Segments' contact domains: its organization's domain and those of its security and legal contacts, sorted. */
export function platformContactDomains(platform: Pick<PlatformConfig, 'organization' | 'contacts'>): string[] {
  return [...new Set([platform.organization.domain.toLowerCase(), domainOfEmail(platform.contacts.security), domainOfEmail(platform.contacts.legal)])].sort();
}

/** The domains of a tenant's own contacts (security, and privacy when named), sorted. */
export function tenantContactDomains(tenant: Pick<TenantConfig, 'contacts'>): string[] {
  return [...new Set([tenant.contacts.security, ...(tenant.contacts.privacy ? [tenant.contacts.privacy] : [])].map(domainOfEmail))].sort();
}
