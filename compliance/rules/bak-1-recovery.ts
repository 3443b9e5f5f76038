/**
 * BAK-1 (DPA Annex II 9): every data store can be recovered in a way that suits its content, and no
 * recovery copy outlives the deletion promise. BigQuery: time travel then fail-safe. Cloud Storage:
 * soft delete. Firestore: point-in-time recovery, or TTL-bound state that is deliberately not
 * recoverable. Conversion-event stores are deliberately not backed up (RET-1: 24 hours), and Pub/Sub
 * queues are transient by design (redelivery is their recovery). Horizons are the deletion
 * inventory's (compliance/deletion-horizon), judged against 14 days (RET-3).
 */
import { DAY, inventoryDataStores } from '../deletion-horizon';
import { compliant, defineCheck, nonCompliant, notApplicable, type Finding } from '../rule';
import { isConversionEventStore } from '../scope';
import { CONVERSION_EVENT_MAX_LIFETIME, DELETION_PROMISE, withinDeletionPromise } from '../../policy/dpa';

export const bak1Recovery = defineCheck({
  id: 'BAK-1/recovery',
  explanation:
    `Each Customer Data store has recovery suited to its content (time travel, soft delete, PITR), and recovery copies end within the ${DELETION_PROMISE.days}-day deletion promise.`,
  appliesTo: ['tenant'],
  check(ctx) {
    const findings: Finding[] = [];
    const byAddress = new Map(ctx.stack.resources.map((r) => [r.address, r]));
    for (const s of inventoryDataStores(ctx.stack).stores.filter((x) => x.category === 'customer-data')) {
      const r = byAddress.get(s.address)!;
      const recovery = s.components.filter((c) => c.seconds > 0 && !c.what.startsWith('shut-down project'));
      const over = !withinDeletionPromise(s.retentionSeconds);
      const conversion = isConversionEventStore(r);
      let verdict: Finding;
      switch (s.type) {
        case 'google_pubsub_topic':
        case 'google_pubsub_subscription':
          verdict = compliant(
            s.address,
            `${s.kind}: a transient queue; unacknowledged messages are redelivered within its retention${
              conversion ? ` (conversion events: at most ${CONVERSION_EVENT_MAX_LIFETIME.hours} hours, RET-1)` : ''
            }`,
          );
          break;
        case 'google_secret_manager_secret':
        case 'google_secret_manager_regional_secret':
          verdict = compliant(
            s.address,
            `${s.kind}: earlier versions stay until destroyed; the value itself is held by the integration provider`,
          );
          break;
        case 'google_firestore_database': {
          const pitr = r.values.point_in_time_recovery_enablement === 'POINT_IN_TIME_RECOVERY_ENABLED';
          const ttlOnly = ctx.stack
            .ofType('google_firestore_field')
            .some((f) => f.values.ttl_config !== undefined && String(f.values.database ?? '').includes(r.name));
          verdict =
            pitr || ttlOnly
              ? compliant(
                  s.address,
                  pitr
                    ? 'point-in-time recovery (7 days)'
                    : 'short-lived state with a TTL: deliberately not recoverable beyond 1 hour of versions (RET-1)',
                )
              : nonCompliant(
                  s.address,
                  'the database has neither point-in-time recovery nor a TTL that makes its content disposable.',
                  `enable point_in_time_recovery_enablement, or schedule backups with retention inside ${DELETION_PROMISE.days} days.`,
                );
          break;
        }
        default:
          verdict =
            recovery.length > 0 || conversion
              ? compliant(
                  s.address,
                  conversion
                    ? `${s.kind}: conversion events, deliberately not backed up (RET-1)`
                    : `${s.kind}: ${recovery.map((c) => `${c.what} ${(c.seconds / DAY).toFixed(1)}d`).join(', then ')}`,
                )
              : nonCompliant(
                  s.address,
                  `${s.kind} has no recovery window (${s.components.map((c) => c.setting ?? c.what).join('; ')}).`,
                  `keep the service's recovery on (time travel, soft delete, PITR) within the ${DELETION_PROMISE.days}-day deletion promise.`,
                );
      }
      if (over && verdict.status === 'compliant') {
        verdict = nonCompliant(
          s.address,
          `recovery copies last ${(s.retentionSeconds / DAY).toFixed(1)} days, past the ${DELETION_PROMISE.days}-day deletion promise.`,
          'shorten the recovery window (RET-3).',
        );
      }
      findings.push(verdict);
    }
    return findings.length > 0 ? findings : [notApplicable('the stack holds no Customer Data store')];
  },
});

/** The checks of BAK-1, in the order the report lists them. */
export const bak1RecoveryChecks = [bak1Recovery] as const;
