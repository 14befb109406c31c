"""Shared types and small value records used across layers (L0: imports nothing of ours)."""

from __future__ import annotations

import ssl as _ssl
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple, Union

from multidict import CIMultiDict, CIMultiDictProxy, MultiDict, MultiDictProxy
from yarl import URL

StrOrURL = Union[str, URL]
LooseHeaders = Union[
    Mapping[str, str],
    CIMultiDict[str],
    CIMultiDictProxy[str],
    Iterable[tuple[str, str]],
]
LooseCookies = Union[Mapping[str, Any], Iterable[tuple[str, Any]]]
Query = Union[
    str, Mapping[str, Any], Iterable[tuple[str, Any]], MultiDict[Any], MultiDictProxy[Any], None
]
# bool, an SSLContext, or a Fingerprint (tls.py; named loosely to keep this module a leaf)
SSLParam = Union[bool, _ssl.SSLContext, Any]


class RequestInfo(NamedTuple):
    """What a response or an error tells about the request that led to it."""

    url: URL
    method: str
    headers: CIMultiDictProxy[str]
    real_url: URL


class ConnectionKey(NamedTuple):
    """Everything that makes one pooled connection unlike another.

    Two requests may share a keep-alive connection only when their keys are equal.
    ``ssl`` is ``True`` (default verification), ``False`` (no verification), an SSLContext or a
    Fingerprint; ``proxy_headers_hash`` stands for the proxy headers, which are not hashable.
    """

    host: str
    port: int | None
    is_ssl: bool
    ssl: Any
    proxy: URL | None
    proxy_auth: Any
    proxy_headers_hash: int | None
    server_hostname: str | None = None
