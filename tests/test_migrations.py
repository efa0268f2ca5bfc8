"""pytest-alembic on both backends: one head, upgrade, up/down through every revision, models = DDL."""
import pytest
from pytest_alembic import tests as alembic_tests
from sqlalchemy import create_engine, event, text

from db.migrate import alembic_config
from tests.conftest import pg_admin_url
from tests.pgscratch import unique


@pytest.fixture(params=["sqlite", "postgresql"])
def alembic_engine(request, tmp_path):
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'alembic.sqlite3'}")

        @event.listens_for(engine, "connect")
        def _fk_off(dbapi_conn, _record):  # as db.migrate does: batch rebuilds must not cascade
            dbapi_conn.execute("PRAGMA foreign_keys=OFF")

        yield engine
        engine.dispose()
        return
    admin = pg_admin_url()
    if admin is None:
        pytest.skip("PostgreSQL not configured: set CRM_TEST_DATABASE_URL to run this case")
    name = unique("crm_alembic_test")  # other workers and test runs share the server
    with create_engine(admin, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_engine(admin.set(database=name))
    yield engine
    engine.dispose()
    with create_engine(admin, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(name="alembic_config")
def alembic_config_fixture():
    return alembic_config()


test_single_head_revision = alembic_tests.test_single_head_revision
test_upgrade = alembic_tests.test_upgrade
test_model_definitions_match_ddl = alembic_tests.test_model_definitions_match_ddl
test_up_down_consistency = alembic_tests.test_up_down_consistency


def test_head_read_from_the_files_is_alembics():
    """ensure_ready decides "at head" from the migration files' texts (no Alembic at start): the same answer."""
    from db.migrate import head_from_files, script_directory

    assert head_from_files() == script_directory().get_current_head() is not None


@pytest.mark.parametrize(
    ("files", "head"),
    [
        ({"a.py": "revision = 'a'\ndown_revision = None\n", "b.py": 'revision: str = "b"\ndown_revision: str | None = "a"\n'}, "b"),
        ({"a.py": "revision = 'a'\ndown_revision = None\n", "b.py": "revision = 'b'\ndown_revision = 'a'\n",
          "c.py": "revision = 'c'\ndown_revision = 'a'\n"}, None),  # two heads
        ({"a.py": "revision = 'a'\ndown_revision = None\n", "b.py": "revision = 'b'\ndown_revision = 'a'\n",
          "c.py": "revision = 'c'\ndown_revision = 'a'\n", "m.py": "revision = 'm'\ndown_revision = ('b', 'c')\n"}, "m"),
        ({"a.py": "revision = 'a'\ndown_revision = None\n", "b.py": "REVISION = 'b'\nrevision = REVISION\ndown_revision = 'a'\n"},
         None),  # not plainly stated
        ({"b.py": "revision = 'b'\ndown_revision = 'a'\n"}, None),  # a parent that is not there
    ],
)
def test_head_from_files_answers_only_when_the_files_are_plain(tmp_path, files, head):
    from db.migrate import head_from_files

    for name, text_ in files.items():
        (tmp_path / name).write_text(text_)
    assert head_from_files(tmp_path) == head
