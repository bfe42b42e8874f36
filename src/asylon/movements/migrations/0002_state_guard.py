"""Database guards that no edge, import or shell can get around.

* A movement is created REQUESTED, and its state may change only to the state named by
  its latest gate result, and only if that result was applied from the current state.
  `movements.services` writes the gate result and then the state; any other writer
  (a bare `update(state=...)`, an admin form, raw SQL) is refused by the database.
* Gate results (N9) and disclosures (D6) cannot be rewritten.
"""

# The statements are constants of this file (S608 does not apply).
# ruff: noqa: S608
from django.db import migrations

MESSAGE = "movement state changes only through movements.services"

SQLITE = [
    f"""CREATE TRIGGER movements_state_guard_insert BEFORE INSERT ON movements_movement
    FOR EACH ROW WHEN NEW.state <> 'REQUESTED'
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER movements_state_guard_update BEFORE UPDATE OF state ON movements_movement
    FOR EACH ROW WHEN NEW.state <> OLD.state AND NOT EXISTS (
        SELECT 1 FROM movements_gateresult g
        WHERE g.id = (SELECT MAX(id) FROM movements_gateresult WHERE movement_id = NEW.id)
          AND g.applied AND g.from_state = OLD.state AND g.to_state = NEW.state)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    """CREATE TRIGGER movements_gateresult_append_only BEFORE UPDATE ON movements_gateresult
    BEGIN SELECT RAISE(ABORT, 'gate results are append-only'); END""",
    """CREATE TRIGGER movements_disclosure_append_only BEFORE UPDATE ON movements_disclosure
    BEGIN SELECT RAISE(ABORT, 'disclosures are append-only'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS movements_state_guard_insert",
    "DROP TRIGGER IF EXISTS movements_state_guard_update",
    "DROP TRIGGER IF EXISTS movements_gateresult_append_only",
    "DROP TRIGGER IF EXISTS movements_disclosure_append_only",
]

POSTGRES = [
    f"""CREATE FUNCTION movements_state_guard() RETURNS trigger AS $$
    DECLARE g RECORD;
    BEGIN
      IF TG_OP = 'INSERT' THEN
        IF NEW.state <> 'REQUESTED' THEN RAISE EXCEPTION '{MESSAGE}'; END IF;
        RETURN NEW;
      END IF;
      IF NEW.state IS DISTINCT FROM OLD.state THEN
        SELECT applied, from_state, to_state INTO g FROM movements_gateresult
          WHERE movement_id = NEW.id ORDER BY id DESC LIMIT 1;
        IF NOT FOUND OR NOT g.applied OR g.from_state <> OLD.state OR g.to_state <> NEW.state THEN
          RAISE EXCEPTION '{MESSAGE}';
        END IF;
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER movements_state_guard BEFORE INSERT OR UPDATE ON movements_movement
    FOR EACH ROW EXECUTE FUNCTION movements_state_guard()""",
    """CREATE FUNCTION movements_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '% rows are append-only', TG_TABLE_NAME; END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER movements_gateresult_append_only BEFORE UPDATE ON movements_gateresult
    FOR EACH ROW EXECUTE FUNCTION movements_append_only()""",
    """CREATE TRIGGER movements_disclosure_append_only BEFORE UPDATE ON movements_disclosure
    FOR EACH ROW EXECUTE FUNCTION movements_append_only()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS movements_state_guard ON movements_movement",
    "DROP TRIGGER IF EXISTS movements_gateresult_append_only ON movements_gateresult",
    "DROP TRIGGER IF EXISTS movements_disclosure_append_only ON movements_disclosure",
    "DROP FUNCTION IF EXISTS movements_state_guard()",
    "DROP FUNCTION IF EXISTS movements_append_only()",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("movements", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
