/**
 * The rule pack: every rule, in the order of CONTROLS.md. Controls without a rule here are shown as
 * "not yet implemented" by the report, never as passing.
 */
import type { Rule } from './rule';
import { res1DataLocation } from './rules/res-1-data-location';
import { res2FolderLocationPolicy } from './rules/res-2-folder-location-policy';
import { res3JurisdictionRegion } from './rules/res-3-jurisdiction-region';
import { res4LogStorageLocation } from './rules/res-4-log-storage-location';
import { iso1ProjectIsolation } from './rules/iso-1-project-isolation';
import { iso2WorkloadIsolation } from './rules/iso-2-workload-isolation';
import { iso3RequiredLabels } from './rules/iso-3-required-labels';
import { iam1NoBasicRoles } from './rules/iam-1-no-basic-roles';
import { iam2ResourceLevelGrants } from './rules/iam-2-resource-level-grants';
import { iam2RoleExists } from './rules/iam-2-role-exists';
import { iam3NoServiceAccountKeys } from './rules/iam-3-no-service-account-keys';
import { iam4DefaultServiceAccounts } from './rules/iam-4-default-service-accounts';
import { iam5GroupsNotUsers } from './rules/iam-5-groups-not-users';
import { iam6NoPublicPrincipals } from './rules/iam-6-no-public-principals';
import { iam7DomainRestrictedSharing } from './rules/iam-7-domain-restricted-sharing';
import { sec1SecretStorage } from './rules/sec-1-secret-storage';
import { sec2SecretRotation } from './rules/sec-2-secret-rotation';
import { sec3SecretAccessorPerSecret } from './rules/sec-3-secret-accessor-per-secret';
import { enc1TlsPolicy } from './rules/enc-1-tls-policy';
import { enc2CustomerManagedKeys } from './rules/enc-2-customer-managed-keys';
import { net1PublicEdge } from './rules/net-1-public-edge';
import { log1LogRetention } from './rules/log-1-log-retention';
import { log2AuditLogs } from './rules/log-2-audit-logs';
import { ret1ConversionRetention } from './rules/ret-1-conversion-retention';
import { ret2ConsentRelay } from './rules/ret-2-consent-relay';
import { ret3DeletionHorizon } from './rules/ret-3-deletion-horizon';
import { del2CryptoShredding } from './rules/del-2-crypto-shredding';
import { hand1PhasedTakeover } from './rules/hand-1-phased-takeover';
import { hand2CustomerProject } from './rules/hand-2-customer-project';
import { sub1AdmittedPrincipals } from './rules/sub-1-admitted-principals';
import { llm1LlmSupportLabel } from './rules/llm-1-llm-support-label';
import { bre1BreachDetection } from './rules/bre-1-breach-detection';
import { bak1Recovery } from './rules/bak-1-recovery';
import { ci1RemoteState } from './rules/ci-1-remote-state';

export const RULES: readonly Rule[] = [
  res1DataLocation,
  res2FolderLocationPolicy,
  res3JurisdictionRegion,
  res4LogStorageLocation,
  iso1ProjectIsolation,
  iso2WorkloadIsolation,
  iso3RequiredLabels,
  iam1NoBasicRoles,
  iam2ResourceLevelGrants,
  iam2RoleExists,
  iam3NoServiceAccountKeys,
  iam4DefaultServiceAccounts,
  iam5GroupsNotUsers,
  iam6NoPublicPrincipals,
  iam7DomainRestrictedSharing,
  sec1SecretStorage,
  sec2SecretRotation,
  sec3SecretAccessorPerSecret,
  enc1TlsPolicy,
  enc2CustomerManagedKeys,
  net1PublicEdge,
  log1LogRetention,
  log2AuditLogs,
  ret1ConversionRetention,
  ret2ConsentRelay,
  ret3DeletionHorizon,
  del2CryptoShredding,
  hand1PhasedTakeover,
  hand2CustomerProject,
  sub1AdmittedPrincipals,
  llm1LlmSupportLabel,
  bre1BreachDetection,
  bak1Recovery,
  ci1RemoteState,
];

/** The rule with this id; throws for an unknown id. */
export function ruleById(id: string): Rule {
  const rule = RULES.find((r) => r.id === id);
  if (!rule) throw new Error(`no rule "${id}" in the pack; rules: ${RULES.map((r) => r.id).join(', ')}`);
  return rule;
}
