#!/usr/bin/env bash
# Scenario "push to S3": push the cache to an s3:// remote on a loopback Ceph RGW (a real
# S3 server, started here: tests/services/rgw.sh), against `aws s3 sync` of the tree to
# the same bucket. Without the `aws` CLI the reference is `s3cmd sync` (named as such in
# the table), and without either the reference row is skipped.
#
# Usage: bench/push_s3.sh [B] [C]      (default: B)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$REPO_ROOT/tests/services/lib.sh"
source "$REPO_ROOT/tests/services/certs.sh"
source "$REPO_ROOT/tests/services/rgw.sh"

if [[ $# -gt 0 ]]; then datasets=("$@"); else datasets=(B); fi
bench_begin push_s3 "${datasets[@]}"

skip() {
  local ds
  for ds in "${datasets[@]}"; do bench_skip "push to S3: $(ds_name "$ds")" "mlops push (s3://)" mlops "$*"; done
  bench_finish "push_s3"
  exit 0
}
wipe "$WORK/push_s3/server"
# The OSD keeps objects in memory, 1 GiB by default: enough for tests, not for
# a dozen 312 MB uploads whose deleted predecessors RGW frees only later. When
# it fills, writes stall, and every later row would time a stalled server.
RGW_MEMSTORE_BYTES=${RGW_MEMSTORE_BYTES:-$((8 << 30))} rgw_start "$WORK/push_s3/server"
export AWS_ACCESS_KEY_ID=$RGW_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$RGW_SECRET_KEY AWS_DEFAULT_REGION=$RGW_REGION
unset AWS_PROFILE AWS_SESSION_TOKEN
export XDG_CONFIG_HOME=$WORK/push_s3/xdg
rm -rf -- "$XDG_CONFIG_HOME"
"$MLOPS" -q config --global remote.bench.endpointurl "$RGW_ENDPOINT"

# Each timed run writes below a fresh prefix, named in a file by the prepare, which
# first empties the previous one: RGW keeps its data in memory (1 GiB).
# s3_fresh NAMEFILE: delete the prefix NAMEFILE names (if any), name a new one.
s3_fresh() {
  local old
  old=$(cat "$1" 2>/dev/null || true)
  [[ -z $old ]] || s3_clear "$old"
  echo "run$(date +%s%N)" >"$1"
}
s3_clear() {
  if have aws; then
    aws --endpoint-url "$RGW_ENDPOINT" s3 rm --recursive --quiet "s3://$RGW_BUCKET/$1/" >/dev/null
  elif have s3cmd; then
    s3cmd $(s3cmd_args) del --recursive --force "s3://$RGW_BUCKET/$1/" >/dev/null
  fi
}
s3cmd_args() {
  local hp=${RGW_ENDPOINT#http://}
  echo "--no-ssl --host=$hp --host-bucket=$hp --access_key=$RGW_ACCESS_KEY --secret_key=$RGW_SECRET_KEY"
}
export -f s3_fresh s3_clear s3cmd_args
export RGW_ENDPOINT RGW_BUCKET RGW_ACCESS_KEY RGW_SECRET_KEY

push_ds() {
  local ds=$1 src=$DATA/$1 w=$WORK/push_s3/$1 g r ref
  g="push to S3: $(ds_name "$ds")"
  mkdir -p "$w"
  if have aws; then
    ref="aws s3 sync"
    bench_run "$g" "$ref" peer slow "s3_fresh $(q "$w/aws.prefix")" \
      "aws --endpoint-url $(q "$RGW_ENDPOINT") s3 sync --quiet $(q "$src") \"s3://$RGW_BUCKET/\$(cat $(q "$w/aws.prefix"))\""
    bench_ref "$g" "$ref"
  elif have s3cmd; then
    ref="s3cmd sync (aws CLI not installed)"
    bench_run "$g" "$ref" peer slow "s3_fresh $(q "$w/aws.prefix")" \
      "s3cmd $(s3cmd_args) sync --quiet $(q "$src/") \"s3://$RGW_BUCKET/\$(cat $(q "$w/aws.prefix"))/\""
    bench_ref "$g" "$ref"
  else
    ref="aws s3 sync"
    bench_skip "$g" "$ref" peer "neither the aws CLI nor s3cmd is installed (apt-get install awscli)"
  fi
  if r=$(mlops_missing add push) && [[ -z $r ]]; then
    setup_repo mlops "$w/mlops" "$src"
    # The remote's URL changes with every run's prefix; the global config holds the rest.
    bench_run "$g" "mlops push (s3://)" mlops fast \
      "s3_fresh $(q "$w/mlops.prefix") && $(q "$MLOPS") -q config --global remote.bench.url \"s3://$RGW_BUCKET/\$(cat $(q "$w/mlops.prefix"))\"" \
      "cd $(q "$w/mlops") && $(q "$MLOPS") -q push"
  else
    bench_skip "$g" "mlops push (s3://)" mlops "$r"
  fi
  bench_target "$g" "mlops push (s3://)" "≤ 0.2× $ref" 0.2
}

for ds in "${datasets[@]}"; do
  case $ds in
    B | C) push_ds "$ds" ;;
    *) die "unknown dataset $ds (push_s3 runs on B and C)" ;;
  esac
  release "$WORK/push_s3/$ds"
done
bench_finish "push_s3"
