/**
 * What a tenant can switch on: its source systems, the integrations it may activate and the
 * conversion destinations. One entry each, with what the stacks and the records of processing
 * need to know about it (DPA Annex I A.5, A.8-A.10, Section C).
 */

export const SOURCES = ['roller', 'revsport'] as const;
export type Source = (typeof SOURCES)[number];

export interface SourceInfo {
  readonly displayName: string;
  /** Whether the source can carry names and dates of birth of accompanying minors (DPA A.4). */
  readonly mayCarryMinors: boolean;
}

export const SOURCE_INFO: Readonly<Record<Source, SourceInfo>> = {
  roller: { displayName: 'ROLLER (venue management and online checkout)', mayCarryMinors: true },
  revsport: { displayName: 'Revsport (club and membership management)', mayCarryMinors: true },
};

export const INTEGRATION_CATEGORIES = ['marketing', 'pos', 'other'] as const;
export type IntegrationCategory = (typeof INTEGRATION_CATEGORIES)[number];

export const INTEGRATIONS = [
  'mailchimp',
  'klaviyo',
  'salesforce-marketing-cloud',
  'hubspot',
  'brevo',
  'asknicely',
  'vendus',
  'xero',
  'netsuite',
  'quickbooks-online',
  'deputy',
] as const;
export type Integration = (typeof INTEGRATIONS)[number];

export interface IntegrationInfo {
  readonly displayName: string;
  readonly category: IntegrationCategory;
  /** DPA clause under which the tenant activates it. */
  readonly dpaClause: 'A.8' | 'A.9' | 'A.10';
  /** Extra personal-data categories this integration may carry beyond contact and booking data. */
  readonly extraDataCategories: readonly string[];
}

export const INTEGRATION_INFO: Readonly<Record<Integration, IntegrationInfo>> = {
  mailchimp: { displayName: 'Mailchimp', category: 'marketing', dpaClause: 'A.8', extraDataCategories: [] },
  klaviyo: { displayName: 'Klaviyo', category: 'marketing', dpaClause: 'A.8', extraDataCategories: [] },
  'salesforce-marketing-cloud': {
    displayName: 'Salesforce Marketing Cloud',
    category: 'marketing',
    dpaClause: 'A.8',
    extraDataCategories: [],
  },
  hubspot: { displayName: 'HubSpot', category: 'marketing', dpaClause: 'A.8', extraDataCategories: [] },
  brevo: { displayName: 'Brevo', category: 'marketing', dpaClause: 'A.8', extraDataCategories: [] },
  asknicely: { displayName: 'AskNicely', category: 'marketing', dpaClause: 'A.8', extraDataCategories: [] },
  vendus: {
    displayName: 'Vendus',
    category: 'pos',
    dpaClause: 'A.9',
    extraDataCategories: ['Portuguese tax identification number (NIF)'],
  },
  xero: { displayName: 'Xero', category: 'pos', dpaClause: 'A.9', extraDataCategories: [] },
  netsuite: { displayName: 'NetSuite', category: 'pos', dpaClause: 'A.9', extraDataCategories: [] },
  'quickbooks-online': { displayName: 'QuickBooks Online', category: 'pos', dpaClause: 'A.9', extraDataCategories: [] },
  deputy: { displayName: 'Deputy', category: 'other', dpaClause: 'A.10', extraDataCategories: [] },
};

export const CONVERSION_DESTINATIONS = ['meta', 'google-ads'] as const;
export type ConversionDestination = (typeof CONVERSION_DESTINATIONS)[number];

export const CONVERSION_DESTINATION_INFO: Readonly<Record<ConversionDestination, { readonly displayName: string }>> = {
  meta: { displayName: 'Meta Conversions API (Meta Platforms Ireland Limited)' },
  'google-ads': { displayName: 'Google Ads Conversions API (Google Ireland Limited)' },
};

/** What the relay does when Google `ad_user_data` is denied (DPA C.4, the tenant's election). */
export const GOOGLE_DENIED_CONSENT = ['drop', 'modeled'] as const;
export type GoogleDeniedConsent = (typeof GOOGLE_DENIED_CONSENT)[number];

export const LLM_SUPPORT = ['allowed', 'restricted'] as const;
