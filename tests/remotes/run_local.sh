#!/usr/bin/env bash
# Conformance of the local-directory remote: no server needed.
set -euo pipefail
dir=$(mktemp -d "${TMPDIR:-/tmp}/mlops-remote-local.XXXXXX")
trap 'rm -rf "$dir"' EXIT
MLOPS_TEST_REMOTE_URL="$dir/store" "$MLOPS_CONFORMANCE"
MLOPS_TEST_REMOTE_URL="file://$dir/store2" "$MLOPS_CONFORMANCE"
