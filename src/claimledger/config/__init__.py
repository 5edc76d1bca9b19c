"""One configuration: packaged defaults, user file, environment, flags.

``load_config()`` layers, in increasing priority: ``defaults.toml`` shipped in
the package, the user file (``CLAIMLEDGER_CONFIG`` or
``~/.config/claimledger/config.toml``), environment variables
``CLAIMLEDGER_<SECTION>__<KEY>`` (and ``CLAIMLEDGER_DB`` for the store), then
explicit overrides from flags. The result is validated with pydantic.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from claimledger.errors import Code, ConfigError


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StoreConfig(_Section):
    db: str = ""
    pool_size: int = Field(default=5, ge=1)
    max_overflow: int = Field(default=10, ge=0)
    index_dir: str = ""


class IngestConfig(_Section):
    max_bytes: int = Field(gt=0)
    timeout: float = Field(gt=0)
    max_redirects: int = Field(ge=0)
    user_agent: str
    allow_private_addresses: bool
    allowed_dirs: list[str]
    watch_interval: float = Field(gt=0)


class DedupConfig(_Section):
    shingle_size: int = Field(ge=1)
    num_perm: int = Field(ge=8)
    bands: int = Field(ge=1)
    threshold: float = Field(ge=0, le=1)
    agency_threshold: float = Field(ge=0, le=1)


class ExtractConfig(_Section):
    actors_file: str
    batch_size: int = Field(ge=1)


class CheckworthyConfig(_Section):
    threshold: float = Field(ge=0, le=1)
    attributed_threshold: float = Field(default=0.03, ge=0, le=1)


class LinkConfig(_Section):
    threshold: float = Field(ge=0, le=1)
    k: int = Field(ge=1)
    same_similarity: float = Field(default=0.7, ge=0, le=1)
    same_own_side_similarity: float = Field(default=0.6, ge=0, le=1)
    evidence_similarity: float = Field(default=0.55, ge=0, le=1)
    same_within_days: int = Field(default=30, ge=0)


class ClaimsConfig(_Section):
    rules_off: list[str] = Field(default_factory=list)


class PolicyConfig(BaseModel):
    """Verdict policy; every key is validated by ``claimledger.verify.policy.load_policy``."""

    model_config = ConfigDict(extra="allow")
    version: str
    min_independent_support: int = Field(ge=1)
    min_independent_refutation: int = Field(ge=1)
    min_confidence: float = Field(ge=0, le=1)


class ApiConfig(_Section):
    host: str
    port: int = Field(ge=0, le=65535)
    webhook_url: str
    page_size: int = Field(ge=1)
    max_page_size: int = Field(ge=1)


class Config(_Section):
    """The resolved configuration."""

    store: StoreConfig
    ingest: IngestConfig
    dedup: DedupConfig
    extract: ExtractConfig
    checkworthy: CheckworthyConfig
    claims: ClaimsConfig
    link: LinkConfig
    policy: PolicyConfig
    api: ApiConfig

    def to_json(self) -> str:
        """Serialise for saving with a batch run."""
        data = self.model_dump()
        if data["store"]["db"]:
            data["store"]["db"] = redact_url(data["store"]["db"])
        return json.dumps(data, sort_keys=True)


def _defaults() -> dict[str, Any]:
    text = resources.files("claimledger.config").joinpath("defaults.toml").read_text("utf-8")
    return tomllib.loads(text)


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _env_layer(environ: dict[str, str]) -> dict[str, Any]:
    layer: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith("CLAIMLEDGER_") or "__" not in name:
            continue
        section, _, key = name[len("CLAIMLEDGER_") :].lower().partition("__")
        value: Any
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        layer.setdefault(section, {})[key] = value
    if environ.get("CLAIMLEDGER_DB"):
        layer.setdefault("store", {})["db"] = environ["CLAIMLEDGER_DB"]
    return layer


def user_config_path(environ: dict[str, str] | None = None) -> Path:
    """Where the user configuration file is read from."""
    env = os.environ if environ is None else environ
    if env.get("CLAIMLEDGER_CONFIG"):
        return Path(env["CLAIMLEDGER_CONFIG"])
    base = Path(env.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "claimledger" / "config.toml"


def load_config(
    *,
    overrides: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
    user_file: Path | None = None,
) -> Config:
    """Resolve and validate the configuration.

    Args:
        overrides: Nested values from command-line flags, highest priority.
        environ: Environment to read (defaults to ``os.environ``).
        user_file: Explicit user file; defaults to ``user_config_path()``.

    Raises:
        ConfigError: The user file is unreadable or a value is invalid.
    """
    env = dict(os.environ if environ is None else environ)
    data = _defaults()
    path = user_file or user_config_path(env)
    if path.exists():
        try:
            data = _merge(data, tomllib.loads(path.read_text("utf-8")))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(Code.E401, str(path), reason=str(exc).splitlines()[0]) from exc
    data = _merge(data, _env_layer(env))
    if overrides:
        data = _merge(data, overrides)
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(Code.E401, where or str(path), reason=first["msg"]) from exc


def default_db_path(environ: dict[str, str] | None = None) -> Path:
    """The default SQLite file when neither ``--db`` nor ``CLAIMLEDGER_DB`` is given."""
    env = os.environ if environ is None else environ
    base = Path(env.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "claimledger" / "ledger.db"


def resolve_db_url(db: str | None, config: Config) -> str:
    """Turn ``--db`` (a path or a URL) into an SQLAlchemy URL."""
    target = db or config.store.db or str(default_db_path())
    if "://" in target:
        if target.startswith("postgresql://"):
            return "postgresql+psycopg://" + target[len("postgresql://") :]
        return target
    path = Path(target).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


_SECRET_PARAM = re.compile(r"(?i)([?&](?:password|passwd|pwd|sslpassword|sslkey)=)([^&]*)")


def _secrets(url: str) -> list[str]:
    """Password pieces of a database URL, also as a driver may misparse them."""
    found: list[str] = [m.group(2) for m in _SECRET_PARAM.finditer(url)]
    if "://" in url:
        rest = url.split("://", 1)[1]
        if "@" in rest:
            creds = rest.rsplit("@", 1)[0]
            if ":" in creds:
                password = creds.split(":", 1)[1]
                found += [password, unquote(password), *password.split("@")]
    return sorted({s for s in found if len(s) >= 3}, key=len, reverse=True)


def scrub_secrets(text: str, url: str) -> str:
    """Replace every password piece of ``url`` found in ``text``."""
    for secret in _secrets(url):
        text = text.replace(secret, "***")
    return text


def redact_url(url: str) -> str:
    """Hide passwords in a database URL before it reaches a message or the runs table."""
    out = url
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        out = f"{scheme}://{user}:***@{host}"
    return _SECRET_PARAM.sub(r"\1***", out)
