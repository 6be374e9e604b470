#!/usr/bin/env bash
# The whole test suite: type check, build, unit tests, integration and compat tests (root, real
# runc/conmon/overlayfs). Node's test runner prints the summary that CI reads.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
npx tsc -p . --noEmit

# Unit tests need no root and run in parallel; integration tests start their own daemons.
mapfile -t unit < <(find src -name '*.test.ts' | sort)
mapfile -t integration < <(find test/integration test/compat -name '*.test.ts' 2>/dev/null | sort)
exec node --import tsx --test --test-concurrency=2 --test-timeout=600000 "${unit[@]}" "${integration[@]}"
