/**
 * The preconfigured Cloud Armor WAF rules every public edge evaluates (NET-1), Google's names for
 * the OWASP Core Rule Set families (cloud.google.com/armor/docs/waf-rules). Google recommends CRS
 * 4.22 (`-v422-stable`, kept in sync with its canary) over 3.3 and 3.0, which stay supported;
 * `cve-canary` holds the signatures of critical CVEs (Log4Shell among them). Read by the edge
 * construct and, independently, by the NET-1 rule.
 */
export const WAF_RULES = [
  { name: 'sqli-v422-stable', what: 'SQL injection' },
  { name: 'xss-v422-stable', what: 'cross-site scripting' },
  { name: 'lfi-v422-stable', what: 'local file inclusion' },
  { name: 'rce-v422-stable', what: 'remote code execution' },
  { name: 'cve-canary', what: 'critical CVEs (Log4j and others)' },
] as const;

/** What a rule blocks with, when enforced. */
export const WAF_DENY_ACTION = 'deny(403)';

/** The Cloud Armor match expression of a preconfigured rule at a sensitivity (1-4; 0 would enable no signature). */
export function wafExpression(rule: string, sensitivity: number): string {
  return `evaluatePreconfiguredWaf('${rule}', {'sensitivity': ${sensitivity}})`;
}
