/**
 * Which Terraform resource types take free-form labels (ISO-3), derived from the provider classes at
 * runtime rather than kept as a list that drifts: `google_<x>` is the class in
 * `@cdktf/provider-google/lib/<x with hyphens>` (or, for a type only google-beta has,
 * `@cdktf/provider-google-beta/lib/google-<x with hyphens>`), and it takes labels when it has a `labels`
 * property (or `user_labels`, for the types whose `labels` mean something else). This is the same
 * test the RequiredLabels aspect applies to construct instances, so rule and aspect agree.
 */
import { USER_LABELS_RESOURCES } from '../policy/labels';

/** The attribute holding a type's free-form labels in the synthesized JSON, or undefined when it has none. */
const cache = new Map<string, string | undefined>();

function providerClass(type: string): { prototype: object; tfResourceType?: string } {
  if (!/^google_[a-z0-9_]+$/.test(type)) throw new Error(`${type} is not a google provider resource type`);
  let modulePath = `@cdktf/provider-google/lib/${type.slice('google_'.length).replace(/_/g, '-')}`;
  // A type only google-beta has (google_project_service_identity) is in that package, named in full.
  try {
    require.resolve(modulePath);
  } catch {
    modulePath = `@cdktf/provider-google-beta/lib/${type.replace(/_/g, '-')}`;
  }
  // Deep import of one provider class, as everywhere else; the package root would load all 1,400.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(modulePath) as Record<string, unknown>;
  const cls = Object.values(mod).find(
    (v): v is { prototype: object; tfResourceType: string } =>
      typeof v === 'function' && (v as { tfResourceType?: string }).tfResourceType === type,
  );
  if (!cls) throw new Error(`${modulePath} exports no class for ${type}`);
  return cls;
}

/**
 * `labels`, `user_labels`, or undefined for a type without labels. Throws for a type the provider
 * does not know, so a misspelt or foreign type is never silently treated as unlabelable.
 */
export function labelAttribute(type: string): 'labels' | 'user_labels' | undefined {
  if (cache.has(type)) return cache.get(type) as 'labels' | 'user_labels' | undefined;
  // Other providers' resources (random, time, terraform_data) are not GCP resources and take no GCP labels.
  if (!type.startsWith('google_')) return undefined;
  const cls = providerClass(type);
  const attribute = USER_LABELS_RESOURCES.has(type)
    ? 'userLabels' in cls.prototype
      ? 'user_labels'
      : undefined
    : 'labels' in cls.prototype
    ? 'labels'
    : undefined;
  cache.set(type, attribute);
  return attribute;
}
