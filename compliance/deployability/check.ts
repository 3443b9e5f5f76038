/**
 * The deployability pack's check interface: what Google Cloud needs at apply time, judged on the
 * synthesized JSON (never on the constructs). Each check has a stable `DEP-*` id, the sources it is
 * built from (a Google Cloud documentation page or a provider file at v6.50.0), and returns the same
 * findings as a DPA rule, so both packs print one message shape: stack, address, check, what to change.
 */
import type { EnvironmentConfig, ResolvedTenant } from '../../config/loader';
import type { Finding, StackKind } from '../rule';
import type { SynthesizedStack } from '../synthesized-stack';

/** What a deployability check sees. */
export interface DeployContext {
  readonly stack: SynthesizedStack;
  readonly kind: StackKind;
  readonly environment: EnvironmentConfig;
  /** The tenant of a tenant stack; undefined for the platform stack. */
  readonly tenant?: ResolvedTenant;
  /**
   * The environment's platform stack as synthesized from the same config: it declares the identities
   * that plan and apply every stack (DEP-PERM reads their grants). For the platform stack, `stack` itself.
   */
  readonly platform: SynthesizedStack;
}

export interface DeployCheck {
  /** Stable id, `DEP-<NAME>`, used verbatim by tests, messages and docs. */
  readonly id: `DEP-${string}`;
  /** One line: what must hold at apply (or plan) time, and why. */
  readonly explanation: string;
  /** Where the rule comes from: Google Cloud documentation URLs or provider source paths (v6.50.0). */
  readonly sources: readonly string[];
  /** The stack kinds the check reads. */
  readonly appliesTo: readonly StackKind[];
  check(context: DeployContext): Finding[];
}

export function defineCheck(check: DeployCheck): DeployCheck {
  if (!/^DEP-[A-Z0-9-]+$/.test(check.id)) throw new Error(`deployability check id ${check.id} must be DEP-<NAME> in capitals`);
  if (check.sources.length === 0) throw new Error(`deployability check ${check.id} names no source`);
  return check;
}
