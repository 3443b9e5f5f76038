/**
 * What a rule needs to know about the parties around a stack: whose project it is, which
 * jurisdiction a resource belongs to, which domains are Smart Segments' and the customer's, and
 * which group administers the project for the customer during a handover. Derived from config and
 * the stack, in one place.
 */
import { JURISDICTIONS, jurisdictionForResidencyLabel, type Jurisdiction } from '../config/jurisdictions';
import { auditLogProjectId, platformProjectIds } from '../config/naming';
import type { ResolvedTenant } from '../config/loader';
import type { RuleContext } from './rule';
import { labelAttribute } from './labelable';
import type { SynthesizedResource, SynthesizedStack } from './synthesized-stack';
import { referencesIn } from './synthesized-stack';

// The lifecycle questions are answered once, by config/lifecycle.ts (ResolvedTenant.lifecycleView);
// these read that answer under the names the rules use.

/**
 * The customer's administrators' group in every handover phase (schema field `customerOwnerGroup`):
 * it holds non-basic administration roles on the project from prepare on (policy/handover.ts
 * CUSTOMER_ADMIN_ROLES), which the rules of project-level grants accept from it alone.
 */
export function handoverOwnerGroup(tenant: ResolvedTenant | undefined): string | undefined {
  return tenant?.lifecycleView.customerOwnerGroup;
}

/**
 * Whether this stack manages the tenant's project as its owner: Smart Segments created it and has not
 * handed it over. After the handover's release phase the project is the customer's (HAND-1), so
 * project-wide settings are no longer ours to keep.
 */
export function managesProject(tenant: ResolvedTenant): boolean {
  return tenant.lifecycleView.managesProject;
}

/**
 * Whether Smart Segments runs the tenant's data plane (workloads, pipelines, secrets, edge). Not after
 * the handover's release phase: the project and its data are the customer's, our resources are gone.
 */
export function runsDataPlane(tenant: ResolvedTenant): boolean {
  return tenant.lifecycleView.runsDataPlane;
}

/** Whether the tenant's activated integrations or conversion destinations need credentials (SEC-1..3) in a data plane we run. */
export function needsCredentials(tenant: ResolvedTenant): boolean {
  return runsDataPlane(tenant) && (tenant.integrations.length > 0 || tenant.conversionTracking.enabled);
}

/**
 * The customer's directory, admitted by domain-restricted sharing while the handover prepares and
 * transfers (IAM-7); not after the release, when the platform no longer admits it either.
 */
export function handoverDirectory(tenant: ResolvedTenant | undefined): string | undefined {
  return tenant?.lifecycleView.admittedDirectory;
}

/** The customer's organization, admitted by domain-restricted sharing in the same phases (IAM-7). */
export function handoverOrganization(tenant: ResolvedTenant | undefined): string | undefined {
  return tenant?.lifecycleView.admittedOrganization;
}

function domainOf(email: string | undefined): string | undefined {
  return email && email.includes('@') ? email.split('@')[1].toLowerCase() : undefined;
}

/** The customer's own domains: those of its contacts and of its handover administrators' group (SUB-1). */
export function customerDomains(tenant: ResolvedTenant): string[] {
  const domains = [tenant.contacts.security, tenant.contacts.privacy, tenant.lifecycle.handover?.customerOwnerGroup]
    .map(domainOf)
    .filter((d): d is string => d !== undefined);
  return [...new Set(domains)].sort();
}

/** Project ids that belong to Smart Segments' platform (shared project, audit log projects). */
export function platformProjects(ctx: Pick<RuleContext, 'environment'>): string[] {
  return platformProjectIds(ctx.environment.platform);
}

/** The jurisdiction whose audit log project is `projectId`, if it is one. */
export function jurisdictionOfAuditProject(ctx: Pick<RuleContext, 'environment'>, projectId: unknown): Jurisdiction | undefined {
  if (typeof projectId !== 'string') return undefined;
  return JURISDICTIONS.find((j) => auditLogProjectId(ctx.environment.platform, j) === projectId);
}

/** The jurisdiction a folder id or folder reference stands for: from the config's tenantFolders, or the folder's display name. */
export function jurisdictionOfFolder(ctx: Pick<RuleContext, 'environment' | 'stack'>, folder: unknown): Jurisdiction | undefined {
  if (typeof folder !== 'string') return undefined;
  const folders = ctx.environment.platform.tenantFolders;
  const literal = JURISDICTIONS.find((j) => folders[j] === folder || folders[j] === `folders/${folder}`);
  if (literal) return literal;
  for (const ref of referencesIn(folder)) {
    const r = ctx.stack.resources.find((x) => x.type === ref.type && x.name === ref.name);
    if (r?.type !== 'google_folder') continue;
    return jurisdictionOfFolderResource(ctx, r);
  }
  return undefined;
}

/**
 * A google_folder's jurisdiction: JurisdictionFolders names them `<env>-<jurisdiction>`; a folder
 * named otherwise counts when a jurisdiction code stands alone in its display name.
 */
export function jurisdictionOfFolderResource(ctx: Pick<RuleContext, 'environment'>, r: SynthesizedResource): Jurisdiction | undefined {
  const name = String(r.values.display_name ?? '');
  const exact = JURISDICTIONS.find((j) => name === `${ctx.environment.name}-${j.toLowerCase()}`);
  if (exact) return exact;
  const loose = JURISDICTIONS.filter((j) => new RegExp(`(^|[^A-Za-z])${j}([^A-Za-z]|$)`, 'i').test(name));
  return loose.length === 1 ? loose[0] : undefined;
}

/** The jurisdictions that have a tenant folder: named in platform.yaml or created by the stack, in JURISDICTIONS order. */
export function tenantFolderJurisdictions(ctx: Pick<RuleContext, 'environment' | 'stack'>): Jurisdiction[] {
  const folders = ctx.stack.ofType('google_folder');
  return JURISDICTIONS.filter(
    (j) => ctx.environment.platform.tenantFolders[j] !== undefined || folders.some((f) => jurisdictionOfFolderResource(ctx, f) === j),
  );
}

/**
 * The jurisdiction a resource's data belongs to. In a tenant stack, the tenant's. In the platform
 * stack, which serves every jurisdiction: the resource's `data-residency` label, else the audit log
 * project it lives in, else the platform's home jurisdiction.
 */
export function jurisdictionOf(ctx: RuleContext, r: SynthesizedResource): Jurisdiction {
  if (ctx.tenant) return ctx.tenant.jurisdiction;
  const attr = labelAttribute(r.type);
  const labels = attr ? (r.values[attr] as Record<string, unknown> | undefined) : undefined;
  const fromLabel = typeof labels?.['data-residency'] === 'string' ? jurisdictionForResidencyLabel(labels['data-residency']) : undefined;
  if (fromLabel) return fromLabel;
  const fromProject = jurisdictionOfAuditProject(ctx, r.values.project);
  if (fromProject) return fromProject;
  for (const key of ['folder', 'parent']) {
    const fromFolder = jurisdictionOfFolder(ctx, r.values[key]);
    if (fromFolder) return fromFolder;
  }
  return ctx.environment.platform.platformJurisdiction;
}

/** The provider blocks of a stack (the google provider may appear with aliases). */
export function googleProviders(stack: SynthesizedStack): Array<Record<string, unknown>> {
  const p = stack.json.provider?.google;
  if (Array.isArray(p)) return p as Array<Record<string, unknown>>;
  if (p && typeof p === 'object') return [p as Record<string, unknown>];
  return [];
}

/** The resource's labels (or user labels) as written, undefined when the type has none. */
export function labelsOf(r: SynthesizedResource): Record<string, unknown> | undefined {
  const attr = labelAttribute(r.type);
  if (!attr) return undefined;
  const labels = r.values[attr];
  return labels && typeof labels === 'object' ? (labels as Record<string, unknown>) : {};
}

/** Resources labelled as stores of conversion events (`data-class: conversion-events`), by convention of the data plane. */
export const CONVERSION_EVENTS_LABEL = { key: 'data-class', value: 'conversion-events' } as const;

export function isConversionEventStore(r: SynthesizedResource): boolean {
  const attr = labelAttribute(r.type);
  const labels = attr ? (r.values[attr] as Record<string, unknown> | undefined) : undefined;
  return labels?.[CONVERSION_EVENTS_LABEL.key] === CONVERSION_EVENTS_LABEL.value;
}
