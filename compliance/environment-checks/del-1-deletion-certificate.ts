/**
 * DEL-1 (DPA 10.4): offboarding produces a deletion certificate (npm run offboard, scripts/lib/
 * deletion-certificate.ts) from the stack's data store inventory and the destroy job's evidence
 * (npm run record-destroy), both kept under evidence/<env>/. Here: for every tenant that is
 * offboarding, the inventory is complete (no data-bearing type without a deletion horizon), so a
 * certificate can state, per store, the latest date a copy can exist.
 */
import { inventoryDataStores } from '../deletion-horizon';
import { tenantStackName } from '../../config/naming';
import type { EnvironmentCheck } from './environment-check';

export const del1DeletionCertificate: EnvironmentCheck = {
  control: 'DEL-1',
  explanation: "Every offboarding tenant's stores are all known to the deletion inventory, so the deletion certificate can be issued.",
  check(ctx) {
    const evidence = ['scripts/record-destroy.ts', 'scripts/offboard.ts', 'scripts/lib/deletion-certificate.ts', 'compliance/deletion-horizon.ts', `evidence/${ctx.environment.name}/`];
    const offboarding = ctx.environment.tenants.filter((t) => t.lifecycleView.offboarding);
    if (offboarding.length === 0)
      return {
        status: 'not applicable',
        detail: 'no tenant of this environment is offboarding; the certificate is produced by npm run offboard',
        evidence,
      };
    const gaps: string[] = [];
    for (const t of offboarding) {
      const stack = ctx.stacks.find((s) => s.name === tenantStackName(ctx.environment.name, t.id));
      if (!stack) {
        gaps.push(`${t.id}: stack not synthesized`);
        continue;
      }
      for (const u of inventoryDataStores(stack).unclassified) gaps.push(`${t.id}: ${u.address} has no deletion horizon`);
    }
    return gaps.length
      ? { status: 'fail', detail: `the certificate cannot account for every store: ${gaps.join('; ')}`, evidence }
      : { status: 'pass', detail: `inventory complete for ${offboarding.map((t) => t.id).join(', ')}`, evidence };
  },
};
