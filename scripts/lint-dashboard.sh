#!/usr/bin/env bash
# Checks the dashboard's assets: the embedded Swift files are in sync with
# Sources/DescentService/Dashboard/Assets/ and agree with its script order (embed-dashboard.py --check),
# and every script parses (node --check) and passes ESLint (Debian's eslint package; rules in
# scripts/dashboard-eslint.json: eslint:recommended plus no undeclared globals, no unused variables or
# functions, no `var`, `===` only, no shadowing). ESLint reads one file at a time: a name one script
# exports to the next is declared `/* exported Name */` in the first and `/* global Name */` in the other.
# `require-atomic-updates` is off: it flags `finally { busy = false }` after an await, a known false
# positive of ESLint 6 that ESLint 7 dropped from its recommended set.
set -euo pipefail
cd "$(dirname "$0")/.."
ASSETS=Sources/DescentService/Dashboard/Assets
scripts/install-deps.sh nodejs eslint
python3 scripts/embed-dashboard.py --check
for script in "$ASSETS"/*.js; do node --check "$script"; done
# Debian's eslint keeps its modules in /usr/share/nodejs, which a Node.js not built by Debian does not search.
NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}" eslint --no-eslintrc -c scripts/dashboard-eslint.json -f unix --max-warnings 0 "$ASSETS"/*.js
echo "dashboard assets: in sync, $(ls "$ASSETS"/*.js | wc -l) scripts parse and lint clean"
