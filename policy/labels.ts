/**
 * The labels every labelable resource carries (ISO-3), and where a resource type keeps them. The
 * RequiredLabels aspect writes them and ISO-3 checks them; both read this table.
 */

/** The keys every labelable resource carries: whose it is, which environment, where its data resides. */
export const REQUIRED_LABEL_KEYS = ['tenant', 'environment', 'data-residency'] as const;
export type RequiredLabelKey = (typeof REQUIRED_LABEL_KEYS)[number];

/** Resources whose `labels` field means something else; their free-form labels are `user_labels`. */
export const USER_LABELS_RESOURCES: ReadonlySet<string> = new Set(['google_monitoring_notification_channel', 'google_monitoring_alert_policy']);
