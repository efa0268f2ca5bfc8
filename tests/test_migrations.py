"""pytest-alembic on both backends: one head, upgrade, up/down through every revision, models = DDL."""
import pytest
from pytest_alembic import tests as alembic_tests
from sqlalchemy import create_engine, event, text

from db.migrate import alembic_config
from tests.conftest import pg_admin_url


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
    name = "crm_alembic_test"
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
