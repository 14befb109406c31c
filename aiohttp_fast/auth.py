"""HTTP Basic authentication credentials (aiohttp's ``BasicAuth``)."""

from __future__ import annotations

import base64
import binascii
from typing import NamedTuple

from yarl import URL

__all__ = ("BasicAuth",)


class BasicAuth(NamedTuple("_BasicAuthBase", [("login", str), ("password", str),
                                              ("encoding", str)])):
    """Credentials for HTTP Basic authentication.

    ``BasicAuth("user", "pass").encode()`` gives the ``Authorization`` header value;
    ``BasicAuth.decode(header)`` parses one back and ``BasicAuth.from_url(url)`` reads the
    user-info part of a URL.
    """

    def __new__(cls, login: str, password: str = "", encoding: str = "latin1") -> BasicAuth:
        if login is None:
            raise ValueError("None is not allowed as login value")
        if password is None:
            raise ValueError("None is not allowed as password value")
        if ":" in login:
            # RFC 7617 section 2: the user-id can not contain a colon, the separator.
            raise ValueError('A ":" is not allowed in login (RFC 1945#section-11.1)')
        return super().__new__(cls, login, password, encoding)

    @classmethod
    def decode(cls, auth_header: str, encoding: str = "latin1") -> BasicAuth:
        """Parse an ``Authorization: Basic ...`` header value; ValueError when it is not one."""
        try:
            auth_type, encoded = auth_header.split(" ", 1)
        except ValueError:
            raise ValueError("Could not parse authorization header.") from None
        if auth_type.lower() != "basic":
            raise ValueError(f"Unknown authorization method {auth_type}")
        try:
            decoded = base64.b64decode(encoded.strip().encode("ascii"), validate=True).decode(
                encoding
            )
        except (binascii.Error, UnicodeError):
            raise ValueError("Invalid base64 encoding.") from None
        login, sep, password = decoded.partition(":")
        if not sep:
            raise ValueError("Invalid credentials.")
        return cls(login, password, encoding=encoding)

    @classmethod
    def from_url(cls, url: URL, *, encoding: str = "latin1") -> BasicAuth | None:
        """Credentials from ``url``'s user-info, or None when it has no user."""
        if not isinstance(url, URL):
            raise TypeError("url should be yarl.URL instance")
        # raw_user is None only when there is no user-info at all; "http://:pw@h" still counts.
        if url.raw_user is None and url.raw_password is None:
            return None
        return cls(url.user or "", url.password or "", encoding=encoding)

    def encode(self) -> str:
        """The ``Authorization`` header value: ``Basic base64(login:password)``."""
        creds = f"{self.login}:{self.password}".encode(self.encoding)
        return "Basic " + base64.b64encode(creds).decode(self.encoding)
