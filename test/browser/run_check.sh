#!/usr/bin/env bash
# run_check.sh PAGE: loads PAGE in headless Chromium and prints the report
# that check.js leaves in the page (JSON).
set -euo pipefail
page=$(realpath "$1")
profile=$(mktemp -d)
chromium --headless --no-sandbox --disable-gpu --user-data-dir="$profile" --virtual-time-budget=60000 \
	--dump-dom "file://$page" 2>/dev/null | sed -n 's:.*<pre id="report">\(.*\)</pre>.*:\1:p'
rm -rf "$profile"
