#!/usr/bin/env bash
# The canary's teardown (docs/canary.md, "Teardown"), run whatever happened before: tenants first,
# through the real offboarding path (lifecycle state offboarding lifts their protection; that state
# is applied, the stack is destroyed, its destroy evidence recorded and the deletion certificate
# issued from that evidence), then the platform
# (protection lifted by a canary-only Terraform override, scripts/canary-teardown-override.ts), then
# the run's folder. A stack whose state is empty (the run failed before it) is skipped. Every step
# is recorded in the run report; the state of the run is deleted only when everything is gone, so
# that an operator can finish a failed teardown by hand (docs/canary.md, "A failed teardown").
#
# Needs: CANARY_STATE_BUCKET, CANARY_RUN, CANARY_REPORT_DIR, CANARY_RUN_FOLDER (may be empty),
# CANARY_CUSTOMER_PROJECT; terraform, gcloud with credentials, jq.
set -uo pipefail
: "${CANARY_STATE_BUCKET:?}" "${CANARY_RUN:?}" "${CANARY_REPORT_DIR:?}" "${CANARY_CUSTOMER_PROJECT:?}"
mkdir -p "$CANARY_REPORT_DIR/logs"
today=$(date -u +%F)
status=0
note() { printf '| %s | %s | %s | |\n' "$1" "$2" "$3" >>"$CANARY_REPORT_DIR/steps.md"; }
# Whether a stack's state holds anything; a state that cannot be read counts as holding something
# (the destroy then fails loudly instead of being skipped).
has_state() {
  local listed
  listed=$(scripts/canary-stack.sh state "$1" list) || return 0
  [ -n "$listed" ]
}

# Removes protection with the override, then destroys: for the platform, and for a tenant whose
# offboarding apply failed. The lifted values are applied first (the provider's delete reads them
# from state); only then do the locked log buckets leave the state (an apply without them in state
# would try to create them again), and destroy plans only what the state holds.
destroy_with_override() {
  local stack="$1" locked
  locked=$(node -r ./scripts/register.js scripts/canary-teardown-override.ts "cdktf.out/stacks/$stack") || return 1
  scripts/canary-stack.sh apply "$stack" lift-protection || return 1
  if [ -n "$locked" ]; then
    # shellcheck disable=SC2086 # one address a line
    scripts/canary-stack.sh state "$stack" rm $locked >>"$CANARY_REPORT_DIR/logs/$stack-state-rm.log" 2>&1 || return 1
    note "$stack" "locked log buckets left to their project's deletion" "$(echo $locked)"
  fi
  scripts/canary-stack.sh destroy "$stack" destroy
}

tenants=()
if [ -d environments/canary/tenants ]; then
  for f in environments/canary/tenants/*.yaml; do [ -e "$f" ] && tenants+=("$(basename "$f" .yaml)"); done
fi

# 1. Tenants: lifecycle state offboarding (the same command an operator runs for a real customer).
for t in "${tenants[@]}"; do
  if npm run -s offboard -- --env canary --tenant "$t" --requested "$today" >>"$CANARY_REPORT_DIR/logs/offboard-$t.log" 2>&1; then
    note "tenant-canary-$t" "offboard --requested $today" ok
  else
    note "tenant-canary-$t" "offboard --requested $today" "FAILED (log: logs/offboard-$t.log)"
  fi
done
stacks="platform-canary"
for t in "${tenants[@]}"; do stacks+=",tenant-canary-$t"; done
rm -rf cdktf.out
if [ ! -f environments/canary/platform.yaml ]; then
  # The run stopped before its environment was written: no stack can hold anything.
  stacks=""
  note "(none)" "teardown synthesis" "skipped: no canary environment was written"
elif ! STACKS="$stacks" npm run -s synth >"$CANARY_REPORT_DIR/logs/teardown-synth.log" 2>&1; then
  note "$stacks" "teardown synthesis" "FAILED (log: logs/teardown-synth.log)"
  exit 1
fi

for t in "${tenants[@]}"; do
  stack="tenant-canary-$t"
  has_state "$stack" || { note "$stack" teardown "nothing in state"; continue; }
  if scripts/canary-stack.sh apply "$stack" offboarding; then
    # As the destroy job does: the destroy's evidence, recorded whatever its outcome, then the
    # certificate from it (scripts/record-destroy.ts; GITHUB_RUN_ID and friends name the run).
    started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    destroyed=0
    scripts/canary-stack.sh destroy "$stack" destroy || { destroyed=$?; status=1; }
    finished=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    npm run -s record-destroy -- --env canary --stack "$stack" --terraform-log "$CANARY_REPORT_DIR/logs/$stack-destroy.log" \
      --exit-code "$destroyed" --started "$started" --finished "$finished" --evidence-dir "$CANARY_REPORT_DIR/evidence" \
      >>"$CANARY_REPORT_DIR/logs/offboard-$t.log" 2>&1 \
      && note "$stack" "destroy evidence" ok || note "$stack" "destroy evidence" "FAILED (log: logs/offboard-$t.log)"
    evidence="$CANARY_REPORT_DIR/evidence/canary/destroy-$stack-${GITHUB_RUN_ID:-0}-${GITHUB_RUN_ATTEMPT:-1}.json"
    if [ "$destroyed" -eq 0 ]; then
      npm run -s offboard -- --env canary --tenant "$t" --certificate --evidence "$evidence" --evidence-dir "$CANARY_REPORT_DIR/evidence" \
        >>"$CANARY_REPORT_DIR/logs/offboard-$t.log" 2>&1 \
        && note "$stack" "deletion certificate" ok || note "$stack" "deletion certificate" "FAILED (log: logs/offboard-$t.log)"
    fi
  else
    destroy_with_override "$stack" || status=1
  fi
done
# The smoke check's probe subscription is not in any stack; in the customer's project it outlives the topic.
gcloud pubsub subscriptions delete canary-notices --project="$CANARY_CUSTOMER_PROJECT" --quiet >/dev/null 2>&1 || true

# 2. The platform, once no tenant is left in its folders.
if [ -n "$stacks" ] && has_state platform-canary; then
  if [ "$status" -eq 0 ]; then
    destroy_with_override platform-canary || status=1
  else
    note platform-canary teardown "not attempted: a tenant stack was not destroyed"
  fi
fi

# 3. The run's folder (empty once its folders are deleted; deleted projects do not count).
if [ -n "${CANARY_RUN_FOLDER:-}" ] && [ "$status" -eq 0 ]; then
  if gcloud resource-manager folders delete "${CANARY_RUN_FOLDER#folders/}" --quiet >>"$CANARY_REPORT_DIR/logs/run-folder.log" 2>&1; then
    note "$CANARY_RUN_FOLDER" "delete run folder" ok
  else
    note "$CANARY_RUN_FOLDER" "delete run folder" "FAILED (log: logs/run-folder.log)"; status=1
  fi
fi

# 4. The run's state, only when nothing it describes is left.
if [ "$status" -eq 0 ]; then
  gcloud storage rm --recursive "gs://$CANARY_STATE_BUCKET/runs/$CANARY_RUN/" --quiet >/dev/null 2>&1 || true
  note "gs://$CANARY_STATE_BUCKET/runs/$CANARY_RUN/" "state removed" ok
else
  note "gs://$CANARY_STATE_BUCKET/runs/$CANARY_RUN/" "state kept for a manual teardown" "see docs/canary.md"
fi
exit "$status"
