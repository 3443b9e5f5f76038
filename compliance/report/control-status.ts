/**
 * A control's status and the order of precedence: fail, not yet implemented, suppressed, pass, not
 * applicable. A control is only "pass" when nothing fails, nothing it needs is missing, and
 * something proves it.
 */
export type ControlStatus = 'pass' | 'fail' | 'suppressed' | 'not applicable' | 'not yet implemented';

export const STATUS_ORDER: readonly ControlStatus[] = ['fail', 'not yet implemented', 'suppressed', 'pass', 'not applicable'];

export function worst(statuses: readonly ControlStatus[]): ControlStatus {
  for (const s of STATUS_ORDER) if (statuses.includes(s)) return s;
  return 'not applicable';
}
