"""User settings from config.toml in the user's config directory (language, user, keymap)."""
from __future__ import annotations

import os
import tomllib
from pathlib import Path

from crm.errors import CrmError

ENV_CONFIG = "CRM_CONFIG"


def config_path() -> Path:
    if os.environ.get(ENV_CONFIG):
        return Path(os.environ[ENV_CONFIG])
    from platformdirs import user_config_path

    return user_config_path("crm", appauthor=False) / "config.toml"


def load_config() -> dict:
    """The settings, or {} when there is no file; a broken file is reported, not silently ignored."""
    path = config_path()
    if not path.exists():
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise CrmError("bad_config", path=path, reason=str(error)) from None
    except OSError as error:
        raise CrmError("bad_config", path=path, reason=error.strerror or str(error)) from None
