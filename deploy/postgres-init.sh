#!/bin/sh
# PostgreSQL's first start in deploy/compose.yaml: one role and one database per subgraph
# (postgres.sql), then each role's password from the secret files mounted for it.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" -f /docker-entrypoint-initdb.d/postgres.sql.in
for component in directory sessions consent; do
  password=$(cat "/run/secrets/db_password_${component}")
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" \
    -c "ALTER ROLE saathi_${component} PASSWORD '${password}'"
done
