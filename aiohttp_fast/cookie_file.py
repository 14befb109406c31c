"""Cookie jar files: aiohttp 3.14's JSON layout, written and read. Never pickle.

``{"domain|path": {name: {"key", "value", "coded_value", attributes..., "host_only"?,
"expires_timestamp"?}}}``: the path without its trailing "/", the expiry as an absolute time
(Max-Age and Expires themselves are not kept). Either library loads the other's files.
"""

from __future__ import annotations

import json
import math
import os
import pathlib
import pickle  # only for its exception class: nothing is ever unpickled
from collections.abc import Iterable, Mapping
from http.cookies import Morsel
from typing import Any, NamedTuple, Union

from .cookie_helpers import StoredCookie

__all__ = ("NotAJsonJarError", "SavedCookie", "read_jar_file", "write_jar_file")

PathLike = Union[str, "os.PathLike[str]"]
_RESERVED = frozenset(Morsel._reserved)  # type: ignore[attr-defined]
# not saved: the absolute expiry is, as aiohttp does
_RELATIVE_EXPIRY_ATTRS = frozenset(("max-age", "expires"))


class NotAJsonJarError(ValueError, pickle.UnpicklingError):
    """A file that is not JSON: what aiohttp's restricted unpickler raises for a forbidden
    class, and a ValueError as for any malformed file."""


class SavedCookie(NamedTuple):
    """One cookie read from a file, for the jar to store by its usual rules."""

    name: str
    key: str
    value: str
    coded_value: str
    attrs: dict[str, Any]  # Morsel attributes; "domain" is "" for a host-only cookie
    domain: str  # the host the cookie came from, "" for one sent everywhere
    expires: float | None


def write_jar_file(file_path: PathLike, cookies: Iterable[StoredCookie]) -> None:
    """Write the cookies (in the order given) to a new file of mode 0600 (cookies are often
    credentials); an existing file keeps the mode its owner gave it, as in aiohttp."""
    data: dict[str, dict[str, dict[str, Any]]] = {}
    for e in cookies:
        m = e.morsel
        record: dict[str, Any] = {"key": m.key, "value": m.value, "coded_value": m.coded_value}
        for attr, value in dict.items(m):
            if value and attr not in _RELATIVE_EXPIRY_ATTRS:
                record[attr] = value
        if e.host_only:
            record["host_only"] = True
        if e.expires is not None:
            record["expires_timestamp"] = e.expires
        data.setdefault(f"{e.domain}|{e.path_key}", {})[e.name] = record
    fd = os.open(os.fspath(file_path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2)


def read_jar_file(file_path: PathLike) -> list[SavedCookie]:
    """Every cookie of a file written by ``write_jar_file``, by aiohttp, or by our first
    releases (``{"format": "aiohttp_fast.cookiejar", ...}``). A malformed file raises what
    aiohttp's ``load`` would; a non-JSON one raises :class:`NotAJsonJarError`."""
    raw = pathlib.Path(file_path).read_bytes()
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise NotAJsonJarError(
            "Forbidden class: not a JSON cookie jar file, and pickled jars are never"
            " loaded (unpickling can run code from the file)"
        ) from exc
    if isinstance(data, dict) and data.get("format") == "aiohttp_fast.cookiejar":
        try:
            return [_legacy_record(rec) for rec in data["cookies"]]
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"malformed cookie jar file: {exc!r}") from exc
    if not isinstance(data, dict):
        raise ValueError("not a cookie jar file")
    saved = []
    for compound, cookies in data.items():
        domain, _, _ = compound.partition("|")
        for name, rec in cookies.items():
            attrs = {k: v for k, v in rec.items()
                     if k in _RESERVED and k not in _RELATIVE_EXPIRY_ATTRS}
            if rec.get("host_only"):
                attrs["domain"] = ""  # becomes host-only for the domain again
            saved.append(SavedCookie(
                name, rec["key"], rec["value"], rec["coded_value"], attrs, domain,
                _deadline(rec.get("expires_timestamp"), name, repr(compound)),
            ))
    return saved


def _legacy_record(rec: Mapping[str, Any]) -> SavedCookie:
    attrs = {k: v for k, v in rec["attrs"].items() if k in _RESERVED}
    domain, path, name = str(rec["domain"]), str(rec["path"]), str(rec["name"])
    attrs["path"] = path
    attrs["domain"] = "" if rec["host_only"] else domain
    return SavedCookie(name, str(rec["key"]), str(rec["value"]), str(rec["coded_value"]),
                       attrs, domain, _deadline(rec["expires"], name, repr(f"{domain}|{path}")))


def _deadline(expires: Any, name: str, where: str) -> float | None:
    if expires is None:
        return None
    try:
        deadline = float(expires)
        if not math.isfinite(deadline):
            raise ValueError(expires)
    except (OverflowError, TypeError, ValueError) as exc:
        raise ValueError(f"Cookie {name!r} in {where}: "
                         "expiration timestamp must be a finite number") from exc
    return deadline
