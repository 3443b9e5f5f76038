/** The environment checks, for controls kept by generated documents rather than one stack's resources. */
import { aud1RecordsOfProcessing } from './aud-1-records-of-processing';
import { aud2ComplianceReport } from './aud-2-compliance-report';
import { del1DeletionCertificate } from './del-1-deletion-certificate';
import type { EnvironmentCheck } from './environment-check';

export const ENVIRONMENT_CHECKS: readonly EnvironmentCheck[] = [aud1RecordsOfProcessing, aud2ComplianceReport, del1DeletionCertificate];
