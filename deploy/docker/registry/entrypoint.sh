#!/bin/sh
# Entrypoint of the registry image (services/registry/Dockerfile).
#
#   start     (default) migrate the database to the newest schema, then serve
#   migrate   migrate and exit: a Kubernetes initContainer or a one-off job
#   serve     serve only; the app refuses to start on an unmigrated database
#   <other>   run that command instead, e.g. `sh` or `python -c ...`
#
# Settings come from the environment (CONCORDIA_ENV, CONCORDIA_NODE, CONCORDIA_NATS_URL,
# CONCORDIA_TOKENS_FILE, CONCORDIA_NODE_KEY, CONCORDIA_REGISTRY_DATABASE_URL, ...);
# WORKERS sets the number of uvicorn worker processes (default 2).
set -eu

migrate() {
    # The same settings class as the app, so both agree on the database (and a prod node key
    # is checked before anything is written). SERVICE_DIR is services/registry in the source
    # tree the image keeps at /app: alembic.ini and migrations/ live there.
    python -c '
from sqlalchemy.engine import make_url

from concordia.core.migrations import upgrade
from concordia.registry.app import SERVICE_DIR
from concordia.registry.settings import RegistrySettings

url = RegistrySettings().database_url
upgrade(SERVICE_DIR, url)
print(f"registry: {make_url(url).render_as_string(hide_password=True)} is at head", flush=True)
'
}

serve() {
    # exec: uvicorn becomes PID 1 and gets SIGTERM itself, for a graceful shutdown.
    # --no-access-log: the app writes its own JSON line per request.
    exec uvicorn --factory concordia.registry.app:main \
        --host 0.0.0.0 --port 8000 --workers "${WORKERS:-2}" \
        --no-access-log --no-server-header --timeout-graceful-shutdown 20
}

case "${1:-start}" in
    start) migrate; serve ;;
    migrate) migrate ;;
    serve) serve ;;
    *) exec "$@" ;;
esac
