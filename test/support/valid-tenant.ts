/** A tenant file's content that passes the schema with every feature on; config tests mutate copies of it. */
export const VALID_TENANT = {
  id: 'valid-tenant',
  displayName: 'Valid Tenant',
  jurisdiction: 'EEA',
  region: 'europe-west1',
  sources: ['roller'],
  integrations: ['mailchimp'],
  conversionTracking: { enabled: true, destinations: ['meta', 'google-ads'], googleDeniedConsent: 'drop' },
  mcp: { enabled: true },
  llmSupport: 'restricted',
  warehouse: { mode: 'smart-segments' },
  contacts: { security: 'security@valid.example', privacy: 'privacy@valid.example' },
};
