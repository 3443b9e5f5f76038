#!/usr/bin/env bash
# The canary's smoke check (docs/canary.md, "What a run settles"): asserts with gcloud that what the
# stacks declare exists in the sandbox, where and as Google Cloud really made it, and records the
# facts no offline check can settle. Expectations come from the synthesized stacks
# (cdktf.out/stacks/*/cdk.tf.json, the JSON Terraform applied), observations from gcloud.
#
#   scripts/canary-smoke.sh no-workloads      after the first tenant apply: no Cloud Run service or
#                                             job exists yet (no secret value is present)
#   scripts/canary-smoke.sh prepare-notices   before the dummy secret values are added: a probe
#                                             subscription on each tenant's secret-rotation topic
#   scripts/canary-smoke.sh check             after the second tenant apply: every assertion
#
# Each assertion is one row of $CANARY_REPORT_DIR/smoke.md; the script runs them all and exits 1 if
# any failed. Needs: CANARY_PREFIX, CANARY_RUN_FOLDER, CANARY_TENANT_FOLDER (EEA folder, folders/N),
# CANARY_REPORT_DIR, CANARY_ROTATION_PROBE (true|false); optional CANARY_NOTICE_POLLS (default 30
# polls, 30 s apart, for the Secret Manager notices); gcloud with credentials; jq.
set -uo pipefail

die() { echo "canary-smoke: $*" >&2; exit 2; }
mode="${1:-}"
[[ "$mode" =~ ^(no-workloads|prepare-notices|check)$ ]] || die "argument: no-workloads, prepare-notices or check; got '${mode}'"
: "${CANARY_PREFIX:?}" "${CANARY_RUN_FOLDER:?}" "${CANARY_TENANT_FOLDER:?}" "${CANARY_REPORT_DIR:?}"
[[ "$CANARY_RUN_FOLDER" =~ ^folders/[0-9]+$ && "$CANARY_TENANT_FOLDER" =~ ^folders/[0-9]+$ ]] || die "CANARY_RUN_FOLDER and CANARY_TENANT_FOLDER must be folders/<n>"
report="$CANARY_REPORT_DIR/smoke.md"
[ -f "$report" ] || printf '| phase | assertion | result | evidence |\n|---|---|---|---|\n' >"$report"
failures=0

pass() { printf '| %s | %s | ok | %s |\n' "$mode" "$1" "${2//|/\\|}" >>"$report"; }
fail() { printf '| %s | %s | **FAILED** | %s |\n' "$mode" "$1" "${2//|/\\|}" >>"$report"; failures=$((failures + 1)); echo "FAILED: $1: $2" >&2; }
# Records an observation that settles a question without deciding pass or fail by itself.
fact() { printf '| %s | %s | observed | %s |\n' "$mode" "$1" "${2//|/\\|}" >>"$report"; }

tenant_stacks() { find cdktf.out/stacks -maxdepth 1 -name 'tenant-canary-*' -printf '%f\n' | sort; }
# `<project> <location> <name>` of every resource of a type in a stack; location/name fields vary by type.
resources() {
  jq -r --arg t "$2" --arg loc "$3" --arg name "$4" \
    '(.resource[$t] // {}) | to_entries[] | "\(.value.project) \(.value[$loc] // "-") \(.value[$name])"' "cdktf.out/stacks/$1/cdk.tf.json"
}
owns_project() { jq -e '(.resource.google_project // {}) | length > 0' "cdktf.out/stacks/$1/cdk.tf.json" >/dev/null; }
# The tenant's project: the literal project most of the stack's resources name (a few name the platform's).
project_of() {
  jq -r '[.. | objects | .project? | strings | select(startswith("${") | not)] | group_by(.) | max_by(length) | first' "cdktf.out/stacks/$1/cdk.tf.json"
}
pubsub_endpoint() { echo "https://$1-pubsub.googleapis.com/"; }

# Members of the project's IAM policy and of every KMS key's policy in the stack's key rings: where
# service agents show (Google grants most agents a role on the project when it creates them; the
# stacks grant the others on keys).
agent_members() {
  local stack="$1" project="$2"
  {
    gcloud projects get-iam-policy "$project" --format=json 2>/dev/null | jq -r '.bindings[]?.members[]?'
    while read -r ring_project location ring; do
      for key in $(gcloud kms keys list --keyring="$ring" --location="$location" --project="$ring_project" --format='value(name)' 2>/dev/null); do
        gcloud kms keys get-iam-policy "$key" --format=json 2>/dev/null | jq -r '.bindings[]?.members[]?'
      done
    done < <(resources "$stack" google_kms_key_ring location name)
  } | sort -u
}

# Which Google-managed identities exist in a project now (Pub/Sub, Cloud Run, Secret Manager,
# Firestore, BigQuery): the answer to "when do the agents appear", recorded per phase.
record_agents() {
  local stack="$1" project="$2" number members seen=""
  number=$(gcloud projects describe "$project" --format='value(projectNumber)')
  members=$(agent_members "$stack" "$project")
  for agent in "service-$number@gcp-sa-pubsub" "service-$number@serverless-robot-prod" "service-$number@gcp-sa-secretmanager" \
    "service-$number@gcp-sa-firestore" "bq-$number@bigquery-encryption"; do
    if grep -q "serviceAccount:$agent\." <<<"$members"; then seen+="${agent%%@*}@${agent#*@} present; "; else seen+="${agent#*@} absent; "; fi
  done
  fact "service agents of $project" "$seen"
}

case "$mode" in
  no-workloads)
    for stack in $(tenant_stacks); do
      project=$(project_of "$stack")
      services=$(gcloud run services list --project="$project" --format='value(metadata.name)' 2>&1) || { fail "$stack: list Cloud Run services" "$services"; continue; }
      jobs=$(gcloud run jobs list --project="$project" --format='value(metadata.name)' 2>&1) || { fail "$stack: list Cloud Run jobs" "$jobs"; continue; }
      if [ -z "$services$jobs" ]; then pass "$stack: first apply with no secret value creates no workload" "no Cloud Run service or job in $project"
      else fail "$stack: first apply with no secret value creates no workload" "found: $(echo $services $jobs)"; fi
      record_agents "$stack" "$project"
    done
    ;;

  prepare-notices)
    for stack in $(tenant_stacks); do
      read -r project _ secret < <(resources "$stack" google_secret_manager_secret - secret_id | head -n 1)
      [ -n "${secret:-}" ] || continue
      topic=$(gcloud secrets describe "$secret" --project="$project" --format='value(topics[0].name)')
      [ -n "$topic" ] || { fail "$stack: secret $secret names a notification topic" "none"; continue; }
      if gcloud pubsub subscriptions create canary-notices --topic="$topic" --project="$project" \
        --message-retention-duration=1h --ack-deadline=60 --quiet >/dev/null 2>"$CANARY_REPORT_DIR/logs/notices-$stack.err"; then
        pass "$stack: probe subscription on $topic" "canary-notices"
      else
        fail "$stack: probe subscription on $topic" "$(tail -n 3 "$CANARY_REPORT_DIR/logs/notices-$stack.err")"
      fi
      if [ "${CANARY_ROTATION_PROBE:-false}" = true ]; then
        # A real rotation notice (SECRET_ROTATE) a few minutes from now, on one secret.
        when=$(date -u -d '+6 minutes' +%Y-%m-%dT%H:%M:%SZ)
        if out=$(gcloud secrets update "$secret" --project="$project" --next-rotation-time="$when" --quiet 2>&1); then
          fact "$stack: rotation of $secret brought forward" "next rotation $when"
        else
          fail "$stack: bring the rotation of $secret forward" "$out"
        fi
      fi
    done
    ;;

  check)
    tenant_folder_id="${CANARY_TENANT_FOLDER#folders/}"
    # --- Projects under the right folders.
    parent=$(gcloud projects describe "$CANARY_PREFIX-platform" --format='value(parent.id)' 2>&1)
    platform_folder_parent=$(gcloud resource-manager folders describe "$parent" --format='value(parent)' 2>&1)
    platform_folder_name=$(gcloud resource-manager folders describe "$parent" --format='value(displayName)' 2>&1)
    if [ "$platform_folder_name" = canary-platform ] && [ "$platform_folder_parent" = "$CANARY_RUN_FOLDER" ]; then
      pass "$CANARY_PREFIX-platform is in the platform folder" "folders/$parent ($platform_folder_name) under $CANARY_RUN_FOLDER"
    else fail "$CANARY_PREFIX-platform is in the platform folder" "parent $parent, $platform_folder_name under $platform_folder_parent"; fi
    for stack in $(tenant_stacks) audit; do
      if [ "$stack" = audit ]; then project="$CANARY_PREFIX-audit-eea"; else owns_project "$stack" || continue; project=$(project_of "$stack"); fi
      got=$(gcloud projects describe "$project" --format='value(parent.type,parent.id,lifecycleState)' 2>&1)
      if [ "$(echo $got)" = "folder $tenant_folder_id ACTIVE" ]; then pass "$project is in the EEA folder" "$got"
      else fail "$project is in the EEA folder ($CANARY_TENANT_FOLDER)" "$got"; fi
    done

    # --- Residency: the folder's location policy, and the multi-region locations it admitted.
    if policy=$(gcloud org-policies describe gcp.resourceLocations --folder="$tenant_folder_id" --effective --format=json 2>&1) &&
      jq -e '[.spec.rules[]?.values.allowedValues[]?] | index("in:eu-locations") != null' <<<"$policy" >/dev/null 2>&1; then
      pass "EEA folder enforces gcp.resourceLocations in:eu-locations" "$(jq -c '.spec.rules' <<<"$policy")"
    else fail "EEA folder enforces gcp.resourceLocations in:eu-locations" "$policy"; fi
    for stack in $(tenant_stacks); do
      while read -r project location name; do
        if out=$(gcloud kms keyrings describe "$name" --location="$location" --project="$project" --format='value(name)' 2>&1); then
          pass "key ring $name in $location exists under in:eu-locations" "$out"
        else fail "key ring $name in $location" "$out"; fi
      done < <(resources "$stack" google_kms_key_ring location name)
      while read -r project location name; do
        got=$(gcloud firestore databases describe --database="$name" --project="$project" --format='value(locationId)' 2>&1)
        if [ "$got" = "$location" ]; then pass "Firestore $name in $location exists under in:eu-locations" "$project"
        else fail "Firestore $name in $location" "$got"; fi
      done < <(resources "$stack" google_firestore_database location_id name)
      while read -r project location name; do
        got=$(gcloud logging buckets describe "$name" --location="$location" --project="$project" --format='value(name,retentionDays)' 2>&1)
        if [ $? -eq 0 ]; then pass "log bucket $name in $location" "$got"; else fail "log bucket $name in $location" "$got"; fi
      done < <(resources "$stack" google_logging_project_bucket_config location bucket_id)
    done
    for project in "$CANARY_PREFIX-audit-eea" "$CANARY_PREFIX-platform" $(for s in $(tenant_stacks); do owns_project "$s" && project_of "$s"; done); do
      # RES-4: the folder's logging settings put even the _Required bucket in the jurisdiction.
      got=$(gcloud logging buckets list --project="$project" --format='value(name)' 2>&1 | grep -E '/buckets/_Required$')
      if [[ "$got" == */locations/eu/buckets/_Required ]]; then pass "$project _Required bucket in eu" "$got"
      else fail "$project _Required bucket in eu" "${got:-none}"; fi
    done
    got=$(gcloud logging buckets describe central-audit --location=eu --project="$CANARY_PREFIX-audit-eea" --format='value(locked,retentionDays)' 2>&1)
    if [ "$(echo $got)" = "True 400" ]; then pass "central audit bucket in eu, locked, 400 days" "$got"; else fail "central audit bucket in eu, locked, 400 days" "$got"; fi

    # --- Domain-restricted sharing and Google-managed identities: the grants exist, so IAM admitted them.
    fact "EEA folder iam.allowedPolicyMemberDomains" "$(gcloud org-policies describe iam.allowedPolicyMemberDomains --folder="$tenant_folder_id" --effective --format=json 2>&1 | jq -c '.spec // .' 2>/dev/null)"
    fact "EEA folder iam.managed.allowedPolicyMembers" "$(gcloud org-policies describe iam.managed.allowedPolicyMembers --folder="$tenant_folder_id" --effective --format=json 2>&1 | jq -c '.spec // .' 2>/dev/null)"
    writer=$(gcloud logging sinks describe central-audit-log --folder="$tenant_folder_id" --format='value(writerIdentity)' 2>&1)
    if [[ "$writer" == serviceAccount:* ]] && gcloud projects get-iam-policy "$CANARY_PREFIX-audit-eea" --format=json | jq -e --arg w "$writer" '.bindings[] | select(.role == "roles/logging.bucketWriter") | .members[] | select(. == $w)' >/dev/null; then
      pass "folder sink writer holds bucketWriter under domain-restricted sharing" "$writer"
    else fail "folder sink writer holds bucketWriter under domain-restricted sharing" "$writer"; fi
    for stack in $(tenant_stacks); do
      project=$(project_of "$stack")
      record_agents "$stack" "$project"
    done

    # --- Workloads: Cloud Run services ready, jobs and their schedules where the tenant region has Cloud Scheduler.
    for stack in $(tenant_stacks); do
      while read -r project location name; do
        ready=$(gcloud run services describe "$name" --region="$location" --project="$project" --format=json 2>&1 | jq -r '.status.conditions[]? | select(.type == "Ready") | .status' 2>/dev/null)
        if [ "$ready" = True ]; then pass "Cloud Run service $name ready" "$project/$location"; else fail "Cloud Run service $name ready" "Ready=${ready:-unknown} in $project/$location"; fi
      done < <(resources "$stack" google_cloud_run_v2_service location name)
      while read -r project location name; do
        if out=$(gcloud run jobs describe "$name" --region="$location" --project="$project" --format='value(metadata.name)' 2>&1); then
          pass "Cloud Run job $name exists" "$project/$location"
        else fail "Cloud Run job $name exists" "$out"; fi
      done < <(resources "$stack" google_cloud_run_v2_job location name)
      while read -r project region name; do
        got=$(gcloud scheduler jobs describe "$name" --location="$region" --project="$project" --format='value(state)' 2>&1)
        if [ "$got" = ENABLED ]; then pass "Cloud Scheduler job $name enabled in $region" "$project"
        else fail "Cloud Scheduler job $name in $region" "$got"; fi
      done < <(resources "$stack" google_cloud_scheduler_job region name)
    done

    # --- Secret Manager notices through the enforce_in_transit rotation topic.
    for stack in $(tenant_stacks); do
      read -r project _ secret < <(resources "$stack" google_secret_manager_secret - secret_id | head -n 1)
      [ -n "${secret:-}" ] || continue
      topic=$(gcloud secrets describe "$secret" --project="$project" --format='value(topics[0].name)')
      region=$(resources "$stack" google_cloud_run_v2_service location name | awk 'NR == 1 { print $2 }')
      region="${region:-europe-west1}"
      fact "$topic messageStoragePolicy" "$(gcloud pubsub topics describe "$topic" --format=json | jq -c '.messageStoragePolicy')"
      wanted=SECRET_VERSION_ADD
      [ "${CANARY_ROTATION_PROBE:-false}" = true ] && wanted="SECRET_VERSION_ADD SECRET_ROTATE"
      seen=""
      # Pull through the tenant region's locational endpoint: enforce_in_transit refuses subscribe
      # calls received outside the allowed regions (https://cloud.google.com/pubsub/docs/resource-location-restriction).
      for _ in $(seq 1 ${CANARY_NOTICE_POLLS:-30}); do
        events=$(CLOUDSDK_API_ENDPOINT_OVERRIDES_PUBSUB="$(pubsub_endpoint "$region")" gcloud pubsub subscriptions pull canary-notices \
          --project="$project" --limit=100 --auto-ack --format=json 2>/dev/null | jq -r '.[].message.attributes.eventType' 2>/dev/null)
        seen=$(printf '%s\n%s\n' "$seen" "$events" | sort -u | grep -v '^$' | tr '\n' ' ')
        missing=""
        for w in $wanted; do grep -qw "$w" <<<"$seen" || missing+="$w "; done
        [ -z "$missing" ] && break
        sleep 30
      done
      if [ -z "$missing" ]; then pass "$stack: Secret Manager notices ($wanted) delivered through enforce_in_transit" "$topic: $seen"
      else fail "$stack: Secret Manager notices delivered through enforce_in_transit" "missing $missing; seen: ${seen:-none}"; fi
      # For comparison: a publish from this runner (outside the EU) through the global endpoint.
      if out=$(gcloud pubsub topics publish "$topic" --message=canary-probe --attribute=eventType=CANARY_PROBE 2>&1); then
        fact "publish from the runner through the global endpoint" "accepted: $out"
      else fact "publish from the runner through the global endpoint" "refused: $(tail -n 1 <<<"$out")"; fi
    done
    ;;
esac

exit $((failures > 0 ? 1 : 0))
