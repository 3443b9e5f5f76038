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

const CUSTOMER_DATA = 'the stack holds no Customer Data store';

export const ret3TimeTravel = defineCheck({
  id: 'RET-3/time-travel',
  explanation: `A BigQuery dataset keeps deleted data at most ${MAX_TIME_TRAVEL_HOURS} hours of time travel, so its copies end within ${DELETION_PROMISE.days} days.`,
  appliesTo: ['tenant'],
  check(ctx) {
    const datasets = ctx.stack.ofType('google_bigquery_dataset');
    if (datasets.length === 0) return [notApplicable('the stack holds no BigQuery dataset')];
    return datasets.map((d) => {
      const hours =
        d.values.max_time_travel_hours === undefined ? BIGQUERY_DEFAULT_TIME_TRAVEL_HOURS : Number(d.values.max_time_travel_hours);
      return hours <= MAX_TIME_TRAVEL_HOURS
        ? compliant(d.address, `time travel keeps deleted data ${hours} hours`)
        : nonCompliant(
            d.address,
            `time travel keeps deleted data ${hours} hours${d.values.max_time_travel_hours === undefined ? ' (the default)' : ''}.`,
            `set max_time_travel_hours to ${MAX_TIME_TRAVEL_HOURS}.`,
          );
    });
  },
});

export const ret3SoftDelete = defineCheck({
  id: 'RET-3/soft-delete',
  explanation: `A Cloud Storage bucket keeps deleted objects at most ${MAX_SOFT_DELETE_SECONDS} seconds of soft delete (Google's default of 7 days).`,
  appliesTo: ['tenant'],
  check(ctx) {
    const buckets = ctx.stack.ofType('google_storage_bucket');
    if (buckets.length === 0) return [notApplicable('the stack holds no Cloud Storage bucket')];
    return buckets.map((b) => {
      const policy = block(b.values.soft_delete_policy);
      const seconds =
        policy?.retention_duration_seconds === undefined ? MAX_SOFT_DELETE_SECONDS : Number(policy.retention_duration_seconds);
      return seconds <= MAX_SOFT_DELETE_SECONDS
        ? compliant(b.address, `soft delete keeps deleted objects ${seconds}s`)
        : nonCompliant(
            b.address,
            `soft delete keeps deleted objects ${seconds}s.`,
            `set soft_delete_policy.retention_duration_seconds to at most ${MAX_SOFT_DELETE_SECONDS}.`,
          );
    });
  },
});

export const ret3DeletionHorizon = defineCheck({
  id: 'RET-3/deletion-horizon',
  explanation:
    `Every Customer Data store has a known deletion horizon and is gone within ${DELETION_PROMISE.days} days of offboarding, deleted before the project.`,
  appliesTo: ['tenant'],
  check(ctx) {
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
    for (const s of inventory.stores.filter((x) => x.category === 'customer-data')) {
      const parts = s.components.map((c) => `${c.what} ${(c.seconds / DAY).toFixed(1)}d`).join(' + ');
      findings.push(
        withinDeletionPromise(s.retentionSeconds)
          ? compliant(s.address, `${s.kind}: gone ${(s.retentionSeconds / DAY).toFixed(1)} days after deletion (${parts || 'immediately'})`)
          : nonCompliant(
              s.address,
              `a copy can exist ${(s.retentionSeconds / DAY).toFixed(1)} days after deletion (${parts}), over the ${DELETION_PROMISE.days} days of DPA ${DELETION_PROMISE.clause}.`,
              'shorten the recovery windows, and make the store depend on the project so destroy deletes it first.',
            ),
      );
    }
    return findings.length > 0 ? findings : [notApplicable(CUSTOMER_DATA)];
  },
});

export const ret3OffboardingDestroy = defineCheck({
  id: 'RET-3/offboarding-destroy',
  explanation: 'When the tenant is offboarding, nothing (prevent_destroy, deletion protection, retention locks) stops destroy from deleting a Customer Data store.',
  appliesTo: ['tenant'],
  check(ctx) {
    const tenant = ctx.tenant!;
    if (tenant.lifecycle.state !== 'offboarding') return [notApplicable(`the tenant is ${tenant.lifecycle.state}, not offboarding`)];
    const stores = inventoryDataStores(ctx.stack).stores.filter((x) => x.category === 'customer-data');
    if (stores.length === 0) return [notApplicable(CUSTOMER_DATA)];
    return stores.map((s) =>
      s.blockers.length > 0
        ? nonCompliant(
            s.address,
            `the tenant is offboarding, but destroy would not delete it: ${s.blockers.join('; ')}.`,
            'lift the protection for offboarding (config/lifecycle.ts).',
          )
        : compliant(s.address, `${s.kind}: nothing stops the offboarding destroy from deleting it`),
    );
  },
});

/** The checks of RET-3, in the order the report lists them. */
export const ret3DeletionHorizonChecks = [ret3DeletionHorizon, ret3TimeTravel, ret3SoftDelete, ret3OffboardingDestroy] as const;
