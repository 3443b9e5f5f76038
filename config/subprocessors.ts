/**
 * The subprocessor register of DPA Annex III, as code (SUB-1). Rules and the records of
 * processing read it; a principal from an organization not listed here (other than Smart
 * Segments and the tenant's own customer) may not be granted anything.
 */

export interface Subprocessor {
  readonly id: string;
  /** Short name for reports; the contracting entity can depend on the customer's location. */
  readonly name: string;
  readonly entity: string;
  readonly purpose: string;
  readonly location: string;
  readonly transferMechanism: string;
}

export const SUBPROCESSORS: readonly Subprocessor[] = [
  {
    id: 'google-cloud',
    name: 'Google Cloud',
    entity: 'Google Cloud EMEA Limited (EU customers); Google LLC and affiliates (others)',
    purpose: 'Cloud infrastructure hosting all Smart Segments services',
    location: 'EU regions for EEA customers; other regions where applicable',
    transferMechanism: "SCCs (where applicable) and Google Cloud's data processing terms",
  },
  {
    id: 'dbt-labs',
    name: 'dbt Labs, Inc.',
    entity: 'dbt Labs, Inc.',
    purpose: "SQL transformation orchestration on the customer's data warehouse",
    location: 'United States',
    transferMechanism: "SCCs as incorporated in dbt Labs' data processing terms",
  },
  {
    id: 'anthropic',
    name: 'Anthropic, PBC',
    entity: 'Anthropic, PBC',
    purpose: 'LLM-assisted investigation of customer-reported issues by authorised personnel (Annex II 14)',
    location: 'United States',
    transferMechanism: "SCCs as incorporated in Anthropic's data processing addendum (Commercial / Team tier)",
  },
];
