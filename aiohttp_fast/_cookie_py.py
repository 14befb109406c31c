# cython: annotation_typing=False
# (the C types come from _cookie_c.pxd; annotations here are for type checkers)
"""Cookie wire helpers (RFC 6265): Set-Cookie parsing, cookie dates, quoting, matching rules.

The reference implementation. ``_cookie_c.py`` is a symlink to this file that Cython compiles
with ``_cookie_c.pxd`` adding C types, so both twins run the same source; ``cookie_helpers``
picks one. Sans-I/O and stateless: no clock, no jar.

Everything here is total on its input: a malformed Set-Cookie field (no ``=``, empty name,
control characters, an oversized pair) yields ``None``; a malformed attribute is ignored, as
RFC 6265 section 5.2 says. Nothing raises on header text.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping, Sequence
from http.cookies import CookieError, Morsel
from typing import Any

__all__ = (
    "StoredCookie",
    "build_cookie_header",
    "default_path",
    "domain_match",
    "is_ip_address",
    "make_morsel",
    "parse_cookie_date",
    "parse_max_age",
    "parse_set_cookie",
    "parse_set_cookie_headers",
    "path_match",
    "quote_value",
    "select_cookies",
    "send_morsel",
    "stamp_access",
    "unquote_value",
)

# RFC 6265bis section 5.6 bounds, as browsers apply them: a longer name+value drops the cookie,
# a longer attribute value drops that attribute.
MAX_PAIR_LENGTH = 4096
MAX_ATTRIBUTE_VALUE_LENGTH = 1024
MAX_ATTRIBUTES = 32
# Cookies taken from one response (RFC 6265 6.1 allows limits; aiohttp takes 50): later
# well-formed fields are ignored.
MAX_COOKIES_PER_RESPONSE = 50

# Cookie names: RFC 6265 says "token", but real servers send {} [] () etc. (aiohttp issue
# #2683). Visible ASCII without the separators that would break a Cookie header.
_NAME_CHARS = frozenset(
    "!#$%&'()*+-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`"
    "abcdefghijklmnopqrstuvwxyz{|}~"
)
# http.cookies' sets: a value made only of _LEGAL_CHARS goes out bare, others are quoted, with
# the bytes outside _UNESCAPED_CHARS as \ooo octal escapes (stdlib-identical output).
_LEGAL_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~:"
)
_UNESCAPED_CHARS = _LEGAL_CHARS | frozenset(" ()/<=>?@[]{}")

# Attributes a Morsel can hold (Python 3.14 adds "partitioned"), and which are flags.
_KNOWN_ATTRS = frozenset(Morsel._reserved)  # type: ignore[attr-defined]
_FLAG_ATTRS = frozenset(Morsel._flags)  # type: ignore[attr-defined]
_BLANK_ATTRS = dict.fromkeys(_KNOWN_ATTRS, "")

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
# where an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") has its digits
_FIXDATE_DIGITS = (5, 6, 12, 13, 14, 15, 17, 18, 20, 21, 23, 24)
_WEEKDAYS = frozenset(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# Largest timestamp a datetime can represent (year 9999); longer Max-Age values are capped.
MAX_TIMESTAMP = 253402300799


def _is_forbidden_ctl(c: int) -> bool:
    # CTLs other than HTAB (RFC 6265bis 5.6 step 1: a field holding one is ignored).
    return c < 0x20 and c != 0x09 or c == 0x7F


def _is_name_char(c: int) -> bool:
    # Same set as _NAME_CHARS, by ranges: visible ASCII except SP " , ; \\ (and "=", which
    # cannot occur since the name ends at the first "=").
    return 0x21 <= c <= 0x7E and c != 0x22 and c != 0x2C and c != 0x3B and c != 0x5C


def _is_date_delimiter(c: int) -> bool:
    # RFC 6265 5.1.1: %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E
    return (
        c == 0x09
        or 0x20 <= c <= 0x2F
        or 0x3B <= c <= 0x40
        or 0x5B <= c <= 0x60
        or 0x7B <= c <= 0x7E
    )


def _is_digit(c: int) -> bool:
    return 0x30 <= c <= 0x39


def _read_number(token: str, pos: int, min_digits: int, max_digits: int) -> tuple[int, int]:
    """Read min..max DIGITs at ``pos`` not followed by another digit: (value, end), or (-1, pos)."""
    n = len(token)
    end = pos
    value = 0
    while end < n and end - pos < max_digits and _is_digit(ord(token[end])):
        value = value * 10 + (ord(token[end]) - 0x30)
        end += 1
    if end - pos < min_digits or (end < n and _is_digit(ord(token[end]))):
        return -1, pos
    return value, end


def _digits_at(text: str, start: int, count: int) -> int:
    """The number written by ``count`` digits at ``start`` (already checked to be digits)."""
    value = 0
    for k in range(start, start + count):
        value = value * 10 + (ord(text[k]) - 0x30)
    return value


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm)."""
    if month <= 2:
        year -= 1
    era = (year if year >= 0 else year - 399) // 400
    yoe = year - era * 400
    mp = month - 3 if month > 2 else month + 9
    doy = (153 * mp + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def parse_cookie_date(text: str) -> int | None:
    """Parse a cookie date (RFC 6265 section 5.1.1) to a Unix timestamp, or None.

    Deliberately not strptime: the RFC algorithm takes the first time, day, month and year
    tokens in any order and ignores the rest, which accepts every date format seen in the wild.
    """
    n = len(text)
    # Fast path for IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), what servers send. Taken
    # only for that exact shape, for which the general algorithm reads the very same fields.
    if (
        n == 29
        and text[3] == ","
        and text[4] == " "
        and text[7] == " "
        and text[11] == " "
        and text[16] == " "
        and text[19] == ":"
        and text[22] == ":"
        and text.endswith(" GMT")
        and text.isascii()
        and text[:3].lower() in _WEEKDAYS
    ):
        mo = _MONTHS.get(text[8:11].lower(), 0)
        if mo:
            for k in _FIXDATE_DIGITS:
                if not _is_digit(ord(text[k])):
                    break
            else:
                return _timestamp(_digits_at(text, 12, 4), mo, _digits_at(text, 5, 2),
                                  _digits_at(text, 17, 2), _digits_at(text, 20, 2),
                                  _digits_at(text, 23, 2))
    found_time = found_day = found_month = found_year = False
    hour = minute = second = day = month = year = 0
    i = 0
    while i < n:
        # skip delimiters, then take one date-token (a run of non-delimiters)
        while i < n and _is_date_delimiter(ord(text[i])):
            i += 1
        start = i
        while i < n and not _is_date_delimiter(ord(text[i])):
            i += 1
        if start == i:
            break
        token = text[start:i]
        if not found_time:
            h, p = _read_number(token, 0, 1, 2)
            if h >= 0 and p < len(token) and token[p] == ":":
                m, p = _read_number(token, p + 1, 1, 2)
                if m >= 0 and p < len(token) and token[p] == ":":
                    s, p = _read_number(token, p + 1, 1, 2)
                    if s >= 0:
                        found_time = True
                        hour, minute, second = h, m, s
                        continue
        if not found_day:
            d, p = _read_number(token, 0, 1, 2)
            if d >= 0:
                found_day = True
                day = d
                continue
        if not found_month and len(token) >= 3:
            mo = _MONTHS.get(token[:3].lower(), 0)
            if mo:
                found_month = True
                month = mo
                continue
        if not found_year:
            y, p = _read_number(token, 0, 2, 4)
            if y >= 0:
                found_year = True
                year = y
                continue
    if not (found_time and found_day and found_month and found_year):
        return None
    return _timestamp(year, month, day, hour, minute, second)


def _timestamp(year: int, month: int, day: int, hour: int, minute: int, second: int) -> int | None:
    """RFC 6265 5.1.1 steps 3-7 on the fields found: two-digit years, ranges, real dates."""
    if 70 <= year <= 99:
        year += 1900
    elif year <= 69:
        year += 2000
    if year < 1601 or hour > 23 or minute > 59 or second > 59 or day < 1:
        return None
    limit = _DAYS_IN_MONTH[month]
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        limit = 29
    if day > limit:  # RFC 6265 5.1.1 step 6: a date that does not exist fails
        return None
    return _days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second


def parse_max_age(text: str) -> int | None:
    """Max-Age's delta-seconds (RFC 6265 5.2.2): ``-?DIGIT+``, else None (attribute ignored)."""
    n = len(text)
    if n == 0:
        return None
    i = 1 if text[0] == "-" else 0
    if i == n:
        return None
    value = 0
    while i < n:
        c = ord(text[i])
        if not _is_digit(c):
            return None
        # saturate: anything beyond the representable range means "forever" anyway
        if value < MAX_TIMESTAMP:
            value = value * 10 + (c - 0x30)
        i += 1
    if value > MAX_TIMESTAMP:
        value = MAX_TIMESTAMP
    return -value if text[0] == "-" else value


def unquote_value(text: str) -> str:
    """Undo cookie quoting: strip surrounding DQUOTEs, resolve \\ooo and \\x escapes.

    Same results as the standard library's ``http.cookies._unquote``.
    """
    n = len(text)
    if n < 2 or text[0] != '"' or text[n - 1] != '"':
        return text
    if "\\" not in text:
        return text[1 : n - 1]
    out: list[str] = []
    i = 1
    end = n - 1
    while i < end:
        ch = text[i]
        if ch == "\\" and i + 1 < end:
            nxt = text[i + 1]
            if (
                i + 3 < end
                and "0" <= nxt <= "3"
                and "0" <= text[i + 2] <= "7"
                and "0" <= text[i + 3] <= "7"
            ):
                out.append(chr(int(text[i + 1 : i + 4], 8)))
                i += 4
                continue
            if nxt != "\n":  # the stdlib's regex "." does not match a newline
                out.append(nxt)
                i += 2
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def quote_value(value: str) -> str:
    """Quote a cookie value exactly as ``http.cookies.SimpleCookie.value_encode`` does."""
    if value:
        for ch in value:
            if ch not in _LEGAL_CHARS:
                break
        else:
            return value
    out: list[str] = ['"']
    for ch in value:
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif ch in _UNESCAPED_CHARS or ord(ch) > 255:
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):03o}")
    out.append('"')
    return "".join(out)


def _utf8_length(text: str) -> int:
    """Length of ``text`` in UTF-8, or -1 when it holds lone surrogates (undecodable input)."""
    if text.isascii():
        return len(text)
    try:
        return len(text.encode("utf-8"))
    except UnicodeEncodeError:
        return -1


def _has_ctl(text: str) -> bool:
    for ch in text:
        if ch < " " or ch == "\x7f":
            return True
    return False


def _skip_blanks(text: str, i: int, n: int) -> int:
    while i < n and (text[i] == " " or text[i] == "\t"):
        i += 1
    return i


def _quoted_span_end(header: str, start: int, n: int) -> int:
    """For a value at ``start`` that is one quoted string followed only by blanks up to ";"
    or the end, the index just past its closing DQUOTE; otherwise -1."""
    i = _skip_blanks(header, start, n)
    if i >= n or header[i] != '"':
        return -1
    i += 1
    while i < n:
        ch = header[i]
        if ch == "\\":
            i += 2
            continue
        if ch == '"':
            end = i + 1
            i = _skip_blanks(header, end, n)
            return end if i == n or header[i] == ";" else -1
        i += 1
    return -1


def _is_blank(ch: str) -> bool:
    return ch == " " or ch == "\t"


def _read_attributes(header: str, pos: int, n: int, out: list[tuple[str, str]]) -> int:
    """Read the attributes of the ";"-separated segment at ``pos`` into ``out`` as
    ``(lower-case name, value)``; return where the segment ends (its ";", or ``n``).

    Like aiohttp, a segment may hold several attributes whose ";" a server forgot
    (``Path=/ Secure``): a value ends at a blank, except an Expires date, which runs on to
    the next word that names an attribute. A quoted value may hold ";" and is unquoted.
    """
    nxt = header.find(";", pos)
    if nxt < 0:
        nxt = n
    i = pos
    while True:
        i = _skip_blanks(header, i, nxt)
        if i >= nxt:
            return nxt
        start = i
        while i < nxt and header[i] != "=" and not _is_blank(header[i]):
            i += 1
        key = header[start:i].lower()
        j = _skip_blanks(header, i, nxt)
        if j >= nxt or header[j] != "=":
            out.append((key, ""))  # a flag, or a word to ignore
            i = j
            continue
        end = _quoted_span_end(header, j + 1, n)
        if end > 0:
            value = unquote_value(header[_skip_blanks(header, j + 1, n) : end])
            if not value.isprintable() and _has_ctl(value):
                value = "\x00"  # made unusable: the caller drops it
            out.append((key, value))
            return _skip_blanks(header, end, n)  # a quoted value ends its segment
        i = _skip_blanks(header, j + 1, nxt)
        value_start = i
        if key == "expires":
            while i < nxt:
                while i < nxt and not _is_blank(header[i]):
                    i += 1
                k = _skip_blanks(header, i, nxt)
                e = k
                while e < nxt and header[e] != "=" and not _is_blank(header[e]):
                    e += 1
                if k >= nxt or header[k:e].lower() in _KNOWN_ATTRS:
                    break
                i = k
        else:
            while i < nxt and not _is_blank(header[i]):
                i += 1
        out.append((key, header[value_start:i]))


def parse_set_cookie(
    header: str,
) -> tuple[str, str, str, dict[str, Any], int | None, int | None] | None:
    """Parse one Set-Cookie field value (RFC 6265 section 5.2).

    Returns ``(name, value, coded_value, attrs, expires, max_age)`` or None when the field must
    be ignored. ``coded_value`` is the value as sent, ``value`` it unquoted; ``attrs`` maps the
    lower-case Morsel attribute names present to their text (flags to True); ``expires`` is the
    Expires date as a Unix timestamp and ``max_age`` the Max-Age seconds, each None when the
    attribute is absent or invalid (an invalid Expires/Max-Age is left out of ``attrs`` too).
    """
    n = len(header)
    if not header.isprintable():  # rare: only then look for the CTL that made it so
        for i in range(n):
            if _is_forbidden_ctl(ord(header[i])):
                return None
    semi = header.find(";")
    if semi < 0:
        semi = n
    eq = header.find("=", 0, semi)
    if eq < 0:
        return None  # RFC 6265 5.2 step 2: no "=" in the name-value-pair
    name = header[:eq].strip(" \t")
    coded_value = ""
    if semi < n:
        # A quoted value may hold ";" (aiohttp has always read `a="x;y"` so).
        end = _quoted_span_end(header, eq + 1, n)
        if end > semi:
            coded_value = header[eq + 1 : end].strip(" \t")
            semi = _skip_blanks(header, end, n)
    if not coded_value:
        coded_value = header[eq + 1 : semi].strip(" \t")
    if not name:
        return None
    for ch in name:
        if not _is_name_char(ord(ch)):
            return None
    length = _utf8_length(coded_value)
    if length < 0 or length + len(name) > MAX_PAIR_LENGTH:
        return None
    if "\t" in coded_value:
        return None  # a tab inside the pair (aiohttp skips such a field too)
    value = unquote_value(coded_value)
    if value is not coded_value and not value.isprintable():
        # unquoting may produce control characters (\000 escapes): such a value cannot be sent
        for ch in value:
            if _is_forbidden_ctl(ord(ch)) or ch == "\t":
                return None

    attrs: dict[str, Any] = {}
    expires: int | None = None
    max_age: int | None = None
    pos = semi + 1
    count = 0
    found: list[tuple[str, str]] = []
    while pos < n and count <= MAX_ATTRIBUTES:
        found.clear()
        pos = _read_attributes(header, pos, n, found) + 1
        for key, attr_value in found:
            if not key:
                continue
            count += 1
            if count > MAX_ATTRIBUTES:
                break  # like Chromium (aiohttp takes 32 as well)
            if key not in _KNOWN_ATTRS:
                continue  # unknown attributes are ignored (RFC 6265 5.2 step 6)
            if key in _FLAG_ATTRS:
                attrs[key] = True  # a flag's value is ignored, as browsers do
                continue
            length = _utf8_length(attr_value)
            if length < 0 or length > MAX_ATTRIBUTE_VALUE_LENGTH or attr_value == "\x00":
                continue
            if key == "expires":
                ts = parse_cookie_date(attr_value)
                if ts is None:
                    continue
                expires = ts
            elif key == "max-age":
                age = parse_max_age(attr_value)
                if age is None:
                    continue
                max_age = age
            elif key == "domain" and not attr_value:
                continue  # an empty Domain is ignored (RFC 6265 5.2.3)
            attrs[key] = attr_value
    return name, value, coded_value, attrs, expires, max_age


def make_morsel(
    name: str, value: str, coded_value: str, attrs: Mapping[str, Any] | None
) -> Morsel[str]:
    """A Morsel holding exactly this state (no re-validation: the parser already checked it)."""
    # Morsel() fills its nine attributes one Python statement at a time; a blank copy made by
    # dict.update is the same object state at a fraction of the cost (this runs per cookie).
    morsel: Morsel[str] = Morsel.__new__(Morsel)
    dict.update(morsel, _BLANK_ATTRS)
    # __setstate__ is the pickling hook: it sets key/value/coded_value without Morsel.set's
    # stricter legal-key check, which would refuse names real servers use.
    morsel.__setstate__({"key": name, "value": value, "coded_value": coded_value})  # type: ignore[attr-defined]
    if attrs:
        dict.update(morsel, attrs)
    return morsel


def parse_set_cookie_headers(headers: Iterable[str]) -> list[tuple[str, Morsel[str]]]:
    """Parse Set-Cookie field values into ``(name, Morsel)`` pairs, skipping malformed ones.

    At most ``MAX_COOKIES_PER_RESPONSE`` pairs: the fields after those are not read.
    """
    result: list[tuple[str, Morsel[str]]] = []
    for header in headers:
        if len(result) >= MAX_COOKIES_PER_RESPONSE:
            break
        parsed = parse_set_cookie(header)
        if parsed is not None:
            name = parsed[0]
            try:
                morsel = make_morsel(name, parsed[1], parsed[2], parsed[3])
            except CookieError:  # a Morsel that a patched CPython refuses: skip the field
                continue
            result.append((name, morsel))
    return result


def build_cookie_header(cookies: Mapping[str, Morsel[str]] | Iterable[Morsel[str]]) -> str:
    """The Cookie header value for these morsels: ``name=coded_value`` joined by ``"; "``."""
    morsels = cookies.values() if isinstance(cookies, Mapping) else cookies
    return "; ".join([m.key + "=" + m.coded_value for m in morsels])


def is_ip_address(host: str) -> bool:
    """True for an IPv4 dotted quad or an IPv6 literal (as yarl's ``raw_host`` gives them)."""
    if not host:
        return False
    if ":" in host:
        return True  # host names never contain ":"; IPv6 literals always do
    parts = host.split(".")
    if len(parts) != 4:
        return False
    for part in parts:
        if not part or len(part) > 3:
            return False
        for ch in part:
            if not "0" <= ch <= "9":
                return False
        if int(part) > 255:
            return False
    return True


def domain_match(domain: str, host: str) -> bool:
    """RFC 6265 5.1.3: ``host`` equals ``domain`` or is a subdomain of it (never for an IP)."""
    if host == domain:
        return True
    hl = len(host)
    dl = len(domain)
    return (
        dl > 0
        and hl > dl
        and host.endswith(domain)
        and host[hl - dl - 1] == "."
        and not is_ip_address(host)
    )


def default_path(uri_path: str) -> str:
    """RFC 6265 5.1.4: the directory of the request path, used when Path is absent."""
    if not uri_path or uri_path[0] != "/":
        return "/"
    last = uri_path.rfind("/")
    if last == 0:
        return "/"
    return uri_path[:last]


def path_match(request_path: str, cookie_path: str) -> bool:
    """RFC 6265 5.1.4: ``cookie_path`` is ``request_path`` or a directory prefix of it."""
    if request_path == cookie_path:
        return True
    cl = len(cookie_path)
    if cl == 0 or not request_path.startswith(cookie_path):
        return False
    return cookie_path[cl - 1] == "/" or request_path[cl] == "/"


# --- what a jar stores, and the selection of the cookies for one request ------------------
# They live here, beside the matching rules, so that the per-request loop is compiled too
# (the .pxd makes StoredCookie a C struct); the jar owns indexing, limits and expiry.


class StoredCookie:
    """A cookie as a jar keeps it: its Morsel plus what selecting it needs, precomputed."""

    __slots__ = ("morsel", "name", "domain", "path", "path_key", "host_only", "secure",
                 "expires", "created", "send", "send_len", "order", "access")

    def __init__(
        self, morsel: Morsel[str], name: str, domain: str, path: str, host_only: bool,
        expires: float | None, created: int,
    ) -> None:
        self.morsel = morsel
        self.name = name
        self.domain = domain
        self.path = path
        # aiohttp's identity for a cookie is (domain, path without trailing "/", name)
        self.path_key = path.rstrip("/")
        self.host_only = host_only
        self.secure = bool(morsel["secure"])
        self.expires = expires
        self.created = created
        self.send: Morsel[str] | None = None  # the name=value-only Morsel a request carries
        self.send_len = 0  # octets of "name=coded_value" in a Cookie header
        self.access = 0  # when last stored or sent: least recently used goes first
        # Specificity, as aiohttp ranks cookies: deeper domain, then longer path, then set
        # later. One integer (creation counters stay below 2**40) as ints compare fastest.
        depth = domain.count(".") + 1 if domain else 0
        self.order = (min(depth, 2047) << 52) | (min(len(self.path_key), 4095) << 40) | created


_SEND_ORDER = operator.attrgetter("order")
_INF = float("inf")
# aiohttp's limits on one request's Cookie header (its "Cookie: " prefix included)
MAX_COOKIES_PER_REQUEST = 150
MAX_COOKIE_HEADER_LENGTH = 8190
_COOKIE_HEADER_PREFIX_LENGTH = 8


def send_morsel(morsel: Morsel[str], quote: bool) -> Morsel[str]:
    """The name=value-only Morsel to send for a stored one (``quote``: the jar's quote_cookie)."""
    value = morsel.value
    if not quote:
        coded = value
    elif morsel.coded_value[:1] == '"':
        coded = morsel.coded_value  # keep the server's own quoting byte for byte
    else:
        coded = quote_value(value)
    return make_morsel(morsel.key, value, coded, None)


def select_cookies(
    buckets: Sequence[tuple[Mapping[Any, StoredCookie], bool]],
    req_path: str,
    secure: bool,
    now: float,
    quote: bool,
    expired: list[StoredCookie],
    limited: bool,
    generation: int,
) -> tuple[dict[str, Morsel[str]], float, list[StoredCookie]]:
    """Pick the cookies to send from candidate buckets (RFC 6265 5.4, ordered as aiohttp).

    ``buckets`` pairs each candidate domain's cookies with whether that domain is the request
    host itself (host-only cookies need it). For a name matched several times the most
    specific cookie wins (deepest domain, then longest path, then the one set last). Returns
    name -> Morsel, least specific first; the time until which this answer stays right (the
    earliest expiry among those chosen); and the cookies chosen. ``limited`` applies
    aiohttp's request limits (150 cookies, an 8190-octet header), admitting the most
    specific cookies first. Expired cookies met on the way are appended to ``expired``.
    The cookies chosen are stamped with ``generation`` (their last use) when it is not 0.
    """
    selected: dict[str, StoredCookie] = {}
    for bucket, exact in buckets:
        for entry in bucket.values():
            if entry.host_only and not exact:
                continue
            if entry.secure and not secure:
                continue
            if entry.expires is not None and entry.expires <= now:
                expired.append(entry)
                continue
            if entry.path != "/" and not path_match(req_path, entry.path):
                continue
            name = entry.name
            prev = selected.get(name)
            if prev is None or entry.order > prev.order:
                selected[name] = entry
    entries = list(selected.values())
    n = len(entries)
    if n > 1:
        # Usually already in order (one path, set in order): check before paying for a sort.
        prev = entries[0]
        for i in range(1, n):
            entry = entries[i]
            if entry.order < prev.order:
                entries.sort(key=_SEND_ORDER)
                break
            prev = entry
    header_length = _COOKIE_HEADER_PREFIX_LENGTH - 2  # no "; " before the first
    for entry in entries:
        if entry.send is None:
            entry.send = send_morsel(entry.morsel, quote)
            length = _utf8_length(entry.name + "=" + entry.send.coded_value)
            entry.send_len = length if length > 0 else 0
        header_length += 2 + entry.send_len
    if limited and (n > MAX_COOKIES_PER_REQUEST or header_length > MAX_COOKIE_HEADER_LENGTH):
        # Over a limit: admit the most specific first, skipping any that would not fit.
        admitted: list[StoredCookie] = []
        header_length = _COOKIE_HEADER_PREFIX_LENGTH - 2
        for i in range(n - 1, -1, -1):
            if len(admitted) >= MAX_COOKIES_PER_REQUEST:
                break
            entry = entries[i]
            if header_length + 2 + entry.send_len > MAX_COOKIE_HEADER_LENGTH:
                continue
            header_length += 2 + entry.send_len
            admitted.append(entry)
        admitted.reverse()
        entries = admitted
    chosen: dict[str, Morsel[str]] = {}
    valid_until = _INF
    for entry in entries:
        chosen[entry.name] = entry.send
        if entry.expires is not None and entry.expires < valid_until:
            valid_until = entry.expires
    if generation:
        stamp_access(entries, generation)
    return chosen, valid_until, entries


def stamp_access(entries: Sequence[StoredCookie], generation: int) -> None:
    """Record that these cookies were used at ``generation`` (eviction takes the oldest)."""
    for entry in entries:
        if entry.access < generation:
            entry.access = generation
