-- One role and one database per subgraph: a subgraph never reads another's tables.
-- Run as a superuser: psql -f deploy/postgres.sql ; then set passwords for the roles.
CREATE ROLE saathi_directory LOGIN;
CREATE ROLE saathi_sessions LOGIN;
CREATE ROLE saathi_consent LOGIN;
CREATE DATABASE saathi_directory OWNER saathi_directory;
CREATE DATABASE saathi_sessions OWNER saathi_sessions;
CREATE DATABASE saathi_consent OWNER saathi_consent;
REVOKE ALL ON DATABASE saathi_directory FROM PUBLIC;
REVOKE ALL ON DATABASE saathi_sessions FROM PUBLIC;
REVOKE ALL ON DATABASE saathi_consent FROM PUBLIC;
