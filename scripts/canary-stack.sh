#!/usr/bin/env bash
# One synthesized stack of the canary run through Terraform (docs/canary.md, "State").
#
#   scripts/canary-stack.sh apply   <stack> <phase>   init, plan -out, show, apply that plan
#   scripts/canary-stack.sh destroy <stack> <phase>   init, plan -destroy -out, apply that plan
#   scripts/canary-stack.sh output  <stack> <name>    init, print one output as JSON
#   scripts/canary-stack.sh state   <stack> list|rm <address>...
#
# Every stack's state lives in the sandbox's pre-created state bucket ($CANARY_STATE_BUCKET), under
# runs/<run>/<stack>: the synthesized gcs backend is overridden at init with -backend-config (the
# values are merged into the backend block, https://developer.hashicorp.com/terraform/cli/commands/init).
# Not the bucket the platform stack creates: the run destroys that bucket at the end, and the state
# of a failed run must outlive the runner so that an operator can finish the teardown.
#
# Needs: CANARY_STATE_BUCKET, CANARY_RUN, CANARY_REPORT_DIR; terraform on PATH; credentials.
set -euo pipefail

die() { echo "canary-stack: $*" >&2; exit 2; }

action="${1:-}"
stack="${2:-}"
[[ "$action" =~ ^(apply|destroy|output|state)$ ]] || die "first argument: apply, destroy, output or state; got '${action}'"
[[ "$stack" =~ ^(platform-canary|tenant-canary-[a-z][a-z0-9-]*)$ ]] || die "second argument: platform-canary or tenant-canary-<id>; got '${stack}'"
: "${CANARY_STATE_BUCKET:?CANARY_STATE_BUCKET is not set}"
: "${CANARY_RUN:?CANARY_RUN is not set}"
: "${CANARY_REPORT_DIR:?CANARY_REPORT_DIR is not set}"

dir="cdktf.out/stacks/$stack"
[ -f "$dir/cdk.tf.json" ] || die "$dir/cdk.tf.json does not exist; synthesize the stack first (STACKS=$stack npm run synth)"
logs="$CANARY_REPORT_DIR/logs"
mkdir -p "$logs"

init() {
  terraform -chdir="$dir" init -input=false -no-color -reconfigure \
    -backend-config="bucket=$CANARY_STATE_BUCKET" \
    -backend-config="prefix=runs/$CANARY_RUN/$stack" >>"$logs/$stack-init.log" 2>&1 \
    || { tail -n 40 "$logs/$stack-init.log" >&2; die "terraform init of $stack failed (log: $logs/$stack-init.log)"; }
}

# Appends one row to the run report's step table and returns the step's status.
record() {
  local phase="$1" status="$2" log="$3"
  printf '| %s | %s | %s | %s |\n' "$stack" "$phase" "$([ "$status" -eq 0 ] && echo ok || echo "FAILED ($status)")" "logs/$(basename "$log")" \
    >>"$CANARY_REPORT_DIR/steps.md"
  return "$status"
}

case "$action" in
  apply | destroy)
    phase="${3:?third argument: the phase, for example first-apply}"
    [[ "$phase" =~ ^[a-z0-9-]+$ ]] || die "phase: lowercase letters, digits and hyphens; got '${phase}'"
    log="$logs/$stack-$phase.log"
    init
    plan_flags=(-input=false -no-color -lock-timeout=5m -out=tfplan)
    if [ "$action" = destroy ]; then plan_flags+=(-destroy); fi
    status=0
    {
      terraform -chdir="$dir" plan "${plan_flags[@]}" &&
        terraform -chdir="$dir" show -no-color tfplan >"$logs/$stack-$phase.plan.txt" &&
        terraform -chdir="$dir" apply -input=false -no-color -lock-timeout=5m tfplan
    } >"$log" 2>&1 || status=$?
    if [ "$status" -ne 0 ]; then
      # The lines that say why: Google's error and the constraint that refused it, if any.
      grep -E 'Error|constraints/|violat|denied|403|409' "$log" | head -n 40 >&2 || true
    fi
    record "$phase" "$status" "$log"
    ;;
  output)
    name="${3:?third argument: the output name}"
    init
    terraform -chdir="$dir" output -json "$name"
    ;;
  state)
    sub="${3:?third argument: list or rm}"
    init
    case "$sub" in
      list) terraform -chdir="$dir" state list 2>/dev/null || true ;;
      rm) shift 3; [ "$#" -gt 0 ] || die "state rm needs addresses"; terraform -chdir="$dir" state rm -lock-timeout=5m "$@" ;;
      *) die "state: list or rm; got '${sub}'" ;;
    esac
    ;;
esac
