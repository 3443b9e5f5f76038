/**
 * RET-3 (DPA 10.1, 10.3): offboarding deletes all Customer Data within 14 days. BigQuery time travel
 * is at most 48 hours (then 7 days of fail-safe), Cloud Storage soft delete at most 7 days, every
 * store depends on the project so destroy deletes it before shutting the project down (a shut-down
 * project keeps everything 30 days), and each store's deletion horizon (compliance/deletion-horizon,
 * the same inventory the deletion certificate uses) fits in 14 days. When the tenant is offboarding,
 * nothing may stop destroy from deleting a store.
 */
import { BIGQUERY_DEFAULT_TIME_TRAVEL_HOURS, DAY, inventoryDataStores } from '../deletion-horizon';
import { block } from '../json-blocks';
import { DELETION_PROMISE, MAX_SOFT_DELETE, MAX_TIME_TRAVEL, promiseSeconds, withinDeletionPromise } from '../../policy/dpa';
import { compliant, defineCheck, nonCompliant, notApplicable, type Finding } from '../rule';

const MAX_TIME_TRAVEL_HOURS = MAX_TIME_TRAVEL.hours;
const MAX_SOFT_DELETE_SECONDS = promiseSeconds(MAX_SOFT_DELETE);

export const ret3DeletionHorizon = defineCheck({
  id: 'RET-3/deletion-horizon',
  explanation:
    `Every Customer Data store is gone within ${DELETION_PROMISE.days} days of offboarding: short time travel and soft delete, deleted before the project.`,
  appliesTo: ['tenant'],
  check(ctx) {
    const tenant = ctx.tenant!;
    const inventory = inventoryDataStores(ctx.stack);
    const findings: Finding[] = [];
    for (const u of inventory.unclassified) {
      findings.push(
        nonCompliant(
          u.address,
          `${u.type} may hold data, but no deletion horizon is known for it.`,
          'add a rule for the type to compliance/deletion-horizon.ts (or list it in NOT_STORES with the reason).',
        ),
      );
    }
    for (const d of ctx.stack.ofType('google_bigquery_dataset')) {
      const hours =
        d.values.max_time_travel_hours === undefined ? BIGQUERY_DEFAULT_TIME_TRAVEL_HOURS : Number(d.values.max_time_travel_hours);
      if (!(hours <= MAX_TIME_TRAVEL_HOURS))
        findings.push(
          nonCompliant(
            d.address,
            `time travel keeps deleted data ${hours} hours${d.values.max_time_travel_hours === undefined ? ' (the default)' : ''}.`,
            `set max_time_travel_hours to ${MAX_TIME_TRAVEL_HOURS}.`,
          ),
        );
    }
    for (const b of ctx.stack.ofType('google_storage_bucket')) {
      const policy = block(b.values.soft_delete_policy);
      const seconds =
        policy?.retention_duration_seconds === undefined ? MAX_SOFT_DELETE_SECONDS : Number(policy.retention_duration_seconds);
      if (!(seconds <= MAX_SOFT_DELETE_SECONDS))
        findings.push(
          nonCompliant(
            b.address,
            `soft delete keeps deleted objects ${seconds}s.`,
            `set soft_delete_policy.retention_duration_seconds to at most ${MAX_SOFT_DELETE_SECONDS}.`,
          ),
        );
    }
    const offboarding = tenant.lifecycle.state === 'offboarding';
    for (const s of inventory.stores.filter((x) => x.category === 'customer-data')) {
      const parts = s.components.map((c) => `${c.what} ${(c.seconds / DAY).toFixed(1)}d`).join(' + ');
      if (!withinDeletionPromise(s.retentionSeconds)) {
        findings.push(
          nonCompliant(
            s.address,
            `a copy can exist ${(s.retentionSeconds / DAY).toFixed(1)} days after deletion (${parts}), over the ${DELETION_PROMISE.days} days of DPA ${DELETION_PROMISE.clause}.`,
            'shorten the recovery windows, and make the store depend on the project so destroy deletes it first.',
          ),
        );
      } else if (offboarding && s.blockers.length > 0) {
        findings.push(
          nonCompliant(
            s.address,
            `the tenant is offboarding, but destroy would not delete it: ${s.blockers.join('; ')}.`,
            'lift the protection for offboarding (config/lifecycle.ts).',
          ),
        );
      } else {
        findings.push(
          compliant(s.address, `${s.kind}: gone ${(s.retentionSeconds / DAY).toFixed(1)} days after deletion (${parts || 'immediately'})`),
        );
      }
    }
    return findings.length > 0 ? findings : [notApplicable('the stack holds no Customer Data store')];
  },
});

/** The checks of RET-3, in the order the report lists them. */
export const ret3DeletionHorizonChecks = [ret3DeletionHorizon] as const;
