/**
 * An aspect that puts the `tenant`, `environment` and `data-residency` labels (ISO-3) on every
 * labelable resource of a stack, so no construct can forget them. Labels a resource already sets
 * are kept, but the three required keys always win.
 */
import { IConstruct } from 'constructs';
import { IAspect, TerraformResource } from 'cdktf';

import { USER_LABELS_RESOURCES, type RequiredLabelKey } from '../policy/labels';

export type LabelMap = Readonly<Record<RequiredLabelKey, string>>;

/** GCP label values: at most 63 lowercase letters, digits, underscores and hyphens. */
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;

export class RequiredLabels implements IAspect {
  constructor(private readonly labels: LabelMap) {
    for (const [key, value] of Object.entries(labels)) {
      if (!LABEL_VALUE.test(value)) {
        throw new Error(`RequiredLabels: label ${key}="${value}" is not a valid GCP label value (lowercase letters, digits, _ and -, at most 63)`);
      }
    }
  }

  visit(node: IConstruct): void {
    if (!(node instanceof TerraformResource)) return;
    const field = USER_LABELS_RESOURCES.has(node.terraformResourceType) ? 'userLabels' : 'labels';
    const target = node as unknown as Record<string, unknown>;
    if (!(field in target)) return; // this resource type has no labels
    const existing = (target[`${field}Input`] as Record<string, string> | undefined) ?? {};
    target[field] = { ...existing, ...this.labels };
  }
}
