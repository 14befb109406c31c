"""BasicAuth: aiohttp's behaviour, checked against aiohttp itself where both can answer."""

from __future__ import annotations

import aiohttp
import pytest
from yarl import URL

from aiohttp_fast.auth import BasicAuth


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # aiohttp 3.14 deprecates its own
def test_encode_matches_aiohttp() -> None:
    for login, password, encoding in [("user", "pass", "latin1"), ("", "", "latin1"),
                                      ("\u00e9l\u00e8ve", "p\u00e4ss", "latin1"),
                                      ("\u2603", "\u00e9", "utf-8"), ("u", "a:b:c", "latin1")]:
        ours = BasicAuth(login, password, encoding).encode()
        assert ours == aiohttp.BasicAuth(login, password, encoding).encode()
    assert BasicAuth("Aladdin", "open sesame").encode() == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="


def test_defaults_and_tuple() -> None:
    auth = BasicAuth("user")
    assert auth == ("user", "", "latin1")
    assert auth.login == "user" and auth.password == "" and auth.encoding == "latin1"
    assert hash(auth) == hash(BasicAuth("user", ""))


def test_invalid_construction() -> None:
    with pytest.raises(ValueError):
        BasicAuth("us:er", "pw")
    with pytest.raises(ValueError):
        BasicAuth(None, "pw")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        BasicAuth("user", None)  # type: ignore[arg-type]


def test_decode_round_trip() -> None:
    auth = BasicAuth("user", "pa:ss")
    assert BasicAuth.decode(auth.encode()) == auth
    utf = BasicAuth("\u2603", "x", "utf-8")
    assert BasicAuth.decode(utf.encode(), encoding="utf-8") == utf
    assert BasicAuth.decode("basic dTpw") == BasicAuth("u", "p")  # scheme is case-insensitive


@pytest.mark.parametrize("header", ["Basic", "Bearer dTpw", "Basic !!!notbase64",
                                    "Basic dXNlcg=="])  # last: "user" without a colon
def test_decode_errors(header: str) -> None:
    with pytest.raises(ValueError):
        BasicAuth.decode(header)


def test_from_url() -> None:
    assert BasicAuth.from_url(URL("http://example.com/")) is None
    assert BasicAuth.from_url(URL("http://user:pw@example.com/")) == BasicAuth("user", "pw")
    assert BasicAuth.from_url(URL("http://user@example.com/")) == BasicAuth("user", "")
    assert BasicAuth.from_url(URL("http://:pw@example.com/")) == BasicAuth("", "pw")
    assert BasicAuth.from_url(URL("http://us%20er:p%40w@h/")) == BasicAuth("us er", "p@w")
    assert BasicAuth.from_url(URL("http://u:p@h/"), encoding="utf-8") == BasicAuth(
        "u", "p", "utf-8")
    with pytest.raises(TypeError):
        BasicAuth.from_url("http://u:p@h/")  # type: ignore[arg-type]
