#!/usr/bin/env bash
# Adds a dummy value to every secret of one canary tenant stack, then records them as present with
# the lifecycle command every operator uses (`npm run secrets -- --record all`), so that the next
# apply brings up the workloads that mount them (docs/canary.md, step "Secrets").
#
#   scripts/canary-secrets.sh <tenant id>
#
# The secrets are read from the synthesized stack (cdktf.out/stacks/tenant-canary-<id>/cdk.tf.json),
# the same fact Terraform applied. Values are random per run and never printed; they are not real
# credentials of any integration. Needs: CANARY_REPORT_DIR, gcloud with credentials, jq.
set -euo pipefail

die() { echo "canary-secrets: $*" >&2; exit 2; }
tenant="${1:-}"
[[ "$tenant" =~ ^[a-z][a-z0-9]*(-[a-z0-9]+)*$ ]] || die "argument: a tenant id; got '${tenant}'"
: "${CANARY_REPORT_DIR:?CANARY_REPORT_DIR is not set}"
stack="tenant-canary-$tenant"
json="cdktf.out/stacks/$stack/cdk.tf.json"
[ -f "$json" ] || die "$json does not exist; synthesize $stack first"

count=0
while read -r project secret; do
  [ -n "$project" ] || continue
  # A fresh random value per secret and run, on stdin (never on the command line or in the log).
  head -c 32 /dev/urandom | base64 | gcloud secrets versions add "$secret" --project="$project" --data-file=- --quiet >/dev/null
  count=$((count + 1))
done < <(jq -r '(.resource.google_secret_manager_secret // {}) | to_entries[] | "\(.value.project) \(.value.secret_id)"' "$json")

echo "| $stack | dummy secret values | ok ($count secrets) | |" >>"$CANARY_REPORT_DIR/steps.md"
if [ "$count" -gt 0 ]; then
  npm run -s secrets -- --env canary --tenant "$tenant" --record all
fi
