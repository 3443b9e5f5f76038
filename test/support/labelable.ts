/** Which synthesized resource types take labels, and in which field, derived from the provider classes. */
export function labelableResourceTypes(types: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const type of new Set(types)) {
    const module = `@cdktf/provider-google/lib/${type.replace(/^google_/, '').replace(/_/g, '-')}`;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const lib = require(module) as Record<string, unknown>;
    const cls = Object.values(lib).find(
      (c): c is { prototype: object; tfResourceType: string } =>
        typeof c === 'function' && (c as { tfResourceType?: string }).tfResourceType === type,
    );
    if (!cls?.prototype) continue;
    if (type === 'google_monitoring_notification_channel' || type === 'google_monitoring_alert_policy') out.set(type, 'user_labels');
    else if ('labels' in cls.prototype) out.set(type, 'labels');
  }
  return out;
}
