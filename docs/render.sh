#!/bin/sh
# render.sh draws the pictures of docs/ from the bundled orgs with
# "ovsync graph" and Graphviz's dot (apt-get install graphviz, brew install
# graphviz, winget install graphviz). Run it from the repository root after
# changing the orgs or the graph output:
#
#	sh docs/render.sh
set -eu
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/ovsync" ./cmd/ovsync

# The sample org, whole.
"$bin/ovsync" graph testdata/sample --direction LR --format svg -o docs/sample.svg

# The broken org with its marks: lint finds errors there, so graph exits 1
# after writing the picture (the findings are not needed here).
status=0
"$bin/ovsync" graph testdata/broken --direction LR --format svg -o docs/broken.svg 2>/dev/null || status=$?
[ "$status" -eq 1 ]

# The help page's example: a Customer Service Department made only of
# sub-teams, whose manager sees all of them.
"$bin/ovsync" graph testdata/sample --root T-CS-ALL --members --direction LR --format svg -o docs/customer-service.svg

# The org that "ovsync build" makes of the sample company's HR export: a
# direct-reports team for every manager, a hierarchy team for every
# manager of managers.
org=$(mktemp -d)
trap 'rm -rf "$bin" "$org"' EXIT
"$bin/ovsync" build testdata/hr-export/cedarline-people.csv -q --out "$org" --where "Employment Status=Active"
"$bin/ovsync" graph --users "$org/users.csv" --groups "$org/groups.csv" --mapping "$org/groups-mapping.csv" --direction LR --format svg -o docs/hr-export.svg
