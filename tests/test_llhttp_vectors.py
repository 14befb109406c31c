"""llhttp's own response test vectors (9.4.2), run over both parser twins.

Each case of ``shared/llhttp-vectors/response/*.md`` gives input bytes and the callback log
llhttp produced. We check what our API can observe: the number of heads delivered, their status,
version, headers and body bytes (taken from the log's offsets into the input), completion, and
acceptance (no error), rejection (some ``http_exceptions`` class) or upgrade (the parser stops).
Cases that need lenient flags, pausing or ``llhttp_finish`` return codes are skipped, saying why.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from aiohttp_fast.http_exceptions import HttpProcessingError
from aiohttp_fast.http_message import HttpVersion

from .fixtures_parser import Outcome, parse, parse_bytewise

VECTORS = Path(__file__).parents[2] / "shared" / "llhttp-vectors" / "response"
if not VECTORS.is_dir():  # a clone elsewhere (a scratch directory) on the team's machine
    VECTORS = Path("/work/shared/llhttp-vectors/response")

HPE_PAUSED_UPGRADE = 22


@dataclass
class Case:
    file: str
    name: str
    line: int
    meta: dict = field(default_factory=dict)
    http: str | None = None
    log: str | None = None

    @property
    def id(self) -> str:
        return f"{self.file}:{self.line}:{self.name}"


def _blocks(path: Path) -> list[Case]:
    """Split one markdown file into cases: heading, meta comment, ```http and ```log blocks."""
    cases: list[Case] = []
    heading = ""
    heading_line = 0
    meta: dict = {}
    current: Case | None = None
    lines = path.read_text(encoding="utf-8").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
            heading_line = i + 1
            meta = {}
        elif line.startswith("<!-- meta="):
            meta = json.loads(line[len("<!-- meta=") : line.rindex("-->")])
        elif line.startswith("```http") or line.startswith("```log"):
            kind = line[3:].strip()
            body = []
            i += 1
            while not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            text = "\n".join(body) + "\n"
            if kind == "http":
                current = Case(path.name, heading, heading_line, meta, http=text)
                cases.append(current)
            elif current is not None and current.log is None:
                current.log = text
        i += 1
    return cases


def _input_bytes(text: str) -> bytes:
    """Turn an ```http block into bytes the way upstream's test/md-test.ts does."""
    text = re.sub(r"\n\Z", "", text)  # the block's own last newline (JS `$` is the very end)
    text = re.sub(r"\\(\r\n|\r|\n)", "", text)  # a backslash joins lines
    text = re.sub(r"\r\n|\r|\n", "\r\n", text)  # visible line ends are CRLF
    text = text.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t").replace("\\f", "\f")
    text = re.sub(r"\\x([0-9a-fA-F]+)", lambda m: chr(int(m.group(1), 16)), text)
    text = re.sub(r"\\([0-7]{1,3})", lambda m: chr(int(m.group(1), 8)), text)
    assert "${" not in text, "inline JavaScript in a vector is not supported"
    return text.encode("utf-8")  # the runner hands llhttp the UTF-8 of the string


_SPAN = re.compile(r"^off=(\d+) len=(\d+) span\[(\w+)\]")
_HEADERS = re.compile(r"^off=\d+ headers complete status=(\d+) v=(\d+)/(\d+)")
_ERROR = re.compile(r"^off=\d+ error code=(\d+) reason=(.*)$")


@dataclass
class Expected:
    heads: list[dict] = field(default_factory=list)
    completed: int = 0
    error: int | None = None
    reason: str = ""


def _expected(log: str, data: bytes) -> Expected:
    """What llhttp reported, in terms our API exposes (spans are read back from the input)."""
    exp = Expected()
    names: list[bytes] = []
    values: list[bytes] = []
    last = ""
    for line in log.strip("\n").split("\n"):
        if m := _SPAN.match(line):
            off, n, kind = int(m.group(1)), int(m.group(2)), m.group(3)
            chunk = data[off : off + n]
            if kind == "header_field":
                if last == "header_field":
                    names[-1] += chunk
                else:
                    names.append(chunk)
                    values.append(b"")
            elif kind == "header_value":
                values[-1] += chunk
            elif kind == "body":
                exp.heads[-1]["body"] += chunk
            last = kind
            continue
        last = ""
        if m := _HEADERS.match(line):
            exp.heads.append(
                {
                    "status": int(m.group(1)),
                    "version": HttpVersion(int(m.group(2)), int(m.group(3))),
                    # both twins strip the whitespace after a value (llhttp's span keeps it)
                    "raw": tuple((n, v.rstrip(b" \t")) for n, v in zip(names, values, strict=True)),
                    "body": b"",
                }
            )
            names, values = [], []
        elif line.endswith(" message complete"):
            exp.completed += 1
        elif line.endswith(" message begin"):
            names, values = [], []
        elif m := _ERROR.match(line):
            exp.error = int(m.group(1))
            exp.reason = m.group(2)
    return exp


def _collect() -> list:
    if not VECTORS.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"no vectors at {VECTORS}"))]
    params = []
    for path in sorted(VECTORS.glob("*.md")):
        for case in _blocks(path):
            meta = case.meta
            kind = meta.get("type")
            skip = None
            if kind not in ("response", "response-only"):
                skip = f"needs parser mode {kind!r} (lenient flags or llhttp_finish return codes)"
            elif "pause" in meta:
                skip = f"pauses in {meta['pause']} (our parsers never pause)"
            elif case.log is None:
                skip = "no expected log"
            marks = [pytest.mark.skip(reason=skip)] if skip else []
            params.append(pytest.param(case, id=case.id, marks=marks))
    return params


def _check(out: Outcome, exp: Expected, case: Case, data: bytes) -> None:
    heads = [
        {
            "status": m.head.status,
            "version": m.head.version,
            "raw": m.head.raw_headers,
            "body": m.body,
        }
        for m in out.messages
    ]
    assert heads == exp.heads, case.id
    for m in out.messages:  # the decoded view agrees with the raw one
        assert list(m.head.headers.items()) == [
            (n.decode("latin-1"), v.decode("utf-8", "surrogateescape"))
            for n, v in m.head.raw_headers
        ]
    assert sum(m.complete for m in out.messages) == exp.completed, case.id
    if exp.error is None:
        assert out.error is None, (case.id, out.error)
        assert out.tail is None
    elif exp.error == HPE_PAUSED_UPGRADE:
        assert out.error is None, (case.id, out.error)
        assert out.tail is not None, "the parser must stop after the 101 head"
        consumed = len(data) - len(out.tail)
        assert data[consumed - 4 : consumed] == b"\r\n\r\n"
    else:
        assert isinstance(out.error, HttpProcessingError), (case.id, exp.reason)


@pytest.mark.parametrize("case", _collect())
def test_vector(case: Case, impl: type) -> None:
    data = _input_bytes(case.http or "")
    exp = _expected(case.log or "", data)
    skip_body = bool(case.meta.get("skipBody"))
    # upstream's runner never calls llhttp_finish for these cases: no EOF either
    _check(parse(impl, data, eof=False, skip_body=skip_body), exp, case, data)
    if not case.meta.get("noScan"):
        _check(parse_bytewise(impl, data, eof=False, skip_body=skip_body), exp, case, data)


def test_vectors_were_found() -> None:
    if not VECTORS.is_dir():
        pytest.skip(f"no vectors at {VECTORS} (CI puts shared/ beside the clone)")
    runnable = [p for p in _collect() if not p.marks]
    assert len(runnable) >= 60
