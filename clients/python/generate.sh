#!/bin/sh
# Regenerate the typed Python clients from docs/api (run after `concordia api docs`).
# openapi-python-client runs as a uv tool: it is not a dependency of the project.
set -eu
cd "$(dirname "$0")"
UV="${UV:-../../.tools/bin/uv}"
VERSION=0.29.1
for service in registry ledger; do
    package="concordia_${service}_client"
    config=$(mktemp)
    printf 'project_name_override: concordia-%s-client\npackage_name_override: %s\n' \
        "$service" "$package" > "$config"
    rm -rf "src/$package"
    "$UV" tool run --from "openapi-python-client==$VERSION" openapi-python-client generate \
        --path "../../docs/api/$service.openapi.json" --config "$config" --meta none \
        --output-path "src/$package"
    rm -f "$config"
done
