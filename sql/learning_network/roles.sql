-- Group roles of the access model (README, "Access model").  Roles belong to
-- the cluster, not to the extension: DROP EXTENSION leaves them behind, and a
-- second database or a re-install finds them already there.  None can log in.
DO $roles$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['learning_network_owner', 'learning_network_staff', 'learning_network_member',
                           'learning_network_hub', 'learning_network_bi'] LOOP
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r) THEN
      EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN NOINHERIT', r);
    END IF;
  END LOOP;
END $roles$;
