/**
 * The rule pack: every check, grouped by control in the order of docs/controls.md. Controls without a
 * check here are shown as "not yet implemented" by the report, never as passing.
 */
import type { Check } from './rule';
import { res1DataLocationChecks } from './rules/res-1-data-location';
import { res2FolderLocationPolicyChecks } from './rules/res-2-folder-location-policy';
import { res3JurisdictionRegionChecks } from './rules/res-3-jurisdiction-region';
import { res4LogStorageLocationChecks } from './rules/res-4-log-storage-location';
import { iso1ProjectIsolationChecks } from './rules/iso-1-project-isolation';
import { iso2WorkloadIsolationChecks } from './rules/iso-2-workload-isolation';
import { iso3RequiredLabelsChecks } from './rules/iso-3-required-labels';
import { iam1NoBasicRolesChecks } from './rules/iam-1-no-basic-roles';
import { iam2ResourceLevelGrantsChecks } from './rules/iam-2-resource-level-grants';
import { iam2RoleExistsChecks } from './rules/iam-2-role-exists';
import { iam3NoServiceAccountKeysChecks } from './rules/iam-3-no-service-account-keys';
import { iam4DefaultServiceAccountsChecks } from './rules/iam-4-default-service-accounts';
import { iam5GroupsNotUsersChecks } from './rules/iam-5-groups-not-users';
import { iam6NoPublicPrincipalsChecks } from './rules/iam-6-no-public-principals';
import { iam7DomainRestrictedSharingChecks } from './rules/iam-7-domain-restricted-sharing';
import { sec1SecretStorageChecks } from './rules/sec-1-secret-storage';
import { sec2SecretRotationChecks } from './rules/sec-2-secret-rotation';
import { sec3SecretAccessorPerSecretChecks } from './rules/sec-3-secret-accessor-per-secret';
import { enc1TlsPolicyChecks } from './rules/enc-1-tls-policy';
import { enc2CustomerManagedKeysChecks } from './rules/enc-2-customer-managed-keys';
import { net1PublicEdgeChecks } from './rules/net-1-public-edge';
import { log1LogRetentionChecks } from './rules/log-1-log-retention';
import { log2AuditLogsChecks } from './rules/log-2-audit-logs';
import { ret1ConversionRetentionChecks } from './rules/ret-1-conversion-retention';
import { ret2ConsentRelayChecks } from './rules/ret-2-consent-relay';
import { ret3DeletionHorizonChecks } from './rules/ret-3-deletion-horizon';
import { del2CryptoShreddingChecks } from './rules/del-2-crypto-shredding';
import { hand1PhasedTakeoverChecks } from './rules/hand-1-phased-takeover';
import { hand2CustomerProjectChecks } from './rules/hand-2-customer-project';
import { sub1AdmittedPrincipalsChecks } from './rules/sub-1-admitted-principals';
import { llm1LlmSupportLabelChecks } from './rules/llm-1-llm-support-label';
import { bre1BreachDetectionChecks } from './rules/bre-1-breach-detection';
import { bak1RecoveryChecks } from './rules/bak-1-recovery';
import { ci1RemoteStateChecks } from './rules/ci-1-remote-state';

export const CHECKS: readonly Check[] = [
  ...res1DataLocationChecks,
  ...res2FolderLocationPolicyChecks,
  ...res3JurisdictionRegionChecks,
  ...res4LogStorageLocationChecks,
  ...iso1ProjectIsolationChecks,
  ...iso2WorkloadIsolationChecks,
  ...iso3RequiredLabelsChecks,
  ...iam1NoBasicRolesChecks,
  ...iam2ResourceLevelGrantsChecks,
  ...iam2RoleExistsChecks,
  ...iam3NoServiceAccountKeysChecks,
  ...iam4DefaultServiceAccountsChecks,
  ...iam5GroupsNotUsersChecks,
  ...iam6NoPublicPrincipalsChecks,
  ...iam7DomainRestrictedSharingChecks,
  ...sec1SecretStorageChecks,
  ...sec2SecretRotationChecks,
  ...sec3SecretAccessorPerSecretChecks,
  ...enc1TlsPolicyChecks,
  ...enc2CustomerManagedKeysChecks,
  ...net1PublicEdgeChecks,
  ...log1LogRetentionChecks,
  ...log2AuditLogsChecks,
  ...ret1ConversionRetentionChecks,
  ...ret2ConsentRelayChecks,
  ...ret3DeletionHorizonChecks,
  ...del2CryptoShreddingChecks,
  ...hand1PhasedTakeoverChecks,
  ...hand2CustomerProjectChecks,
  ...sub1AdmittedPrincipalsChecks,
  ...llm1LlmSupportLabelChecks,
  ...bre1BreachDetectionChecks,
  ...bak1RecoveryChecks,
  ...ci1RemoteStateChecks,
];

/** The pack as the report reads it: every check, each filed under its primary control. */
export const RULES: readonly Check[] = CHECKS;

/** The checks of one control, in pack order (empty for a control no check covers). */
export function checksOfControl(control: string): Check[] {
  return CHECKS.filter((c) => c.controls.includes(control));
}

/** The check with this id; throws for an unknown id, listing a control's checks when given a control id. */
export function checkById(id: string): Check {
  const check = CHECKS.find((c) => c.id === id);
  if (check) return check;
  const ofControl = checksOfControl(id);
  if (ofControl.length > 0) throw new Error(`"${id}" is a control, not a check; its checks: ${ofControl.map((c) => c.id).join(', ')}`);
  throw new Error(`no check "${id}" in the pack; checks: ${CHECKS.map((c) => c.id).join(', ')}`);
}

/** Kept for callers written before checks: same as checkById. */
export const ruleById = checkById;
