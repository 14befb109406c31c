"""The layer table of STYLE.md, checked: a module imports only from layers below it.

Walks every ``import``/``from ... import`` of our package with ``ast`` (TYPE_CHECKING blocks
included: no upward import even for types), and imports each module alone in a fresh interpreter.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "aiohttp_fast"

# module stem -> layer. A module missing here fails the test: place every new module in a layer.
LAYERS: dict[str, int] = {
    # L0 leaves
    "_compat": 0, "_cython_shim": 0, "hdrs": 0, "typedefs": 0, "abc": 0, "http_exceptions": 0,
    "client_exceptions": 0, "timeouts": 0, "tracing": 0, "http_message": 0,
    # L1 wire, sans-I/O
    "_parser_py": 1, "_parser_grammar": 1, "_parser_chunks": 1, "_parser_c": 1, "_body_buffer_c": 1,
    "http_parser": 1,
    "_writer_py": 1, "_writer_c": 1,
    "http_writer": 1, "_cookie_py": 1, "_cookie_c": 1, "cookie_helpers": 1, "decoders": 1,
    "auth": 1, "request_headers": 1, "proxy_env": 1, "content_type": 1, "charset": 1, "links": 1,
    "public_suffixes": 1, "request_compression": 1, "request_heads": 1, "_request_heads_py": 1,
    "_request_heads_c": 1,
    # L2 one connection
    "streams": 2, "_streams_py": 2, "_streams_c": 2, "_protocol_py": 2, "_protocol_c": 2,
    "read_buffer": 2, "_read_buffer_py": 2, "_read_buffer_c": 2,
    "protocol": 2, "writer": 2, "payload": 2, "multipart": 2, "formdata": 2,
    # L3 pool
    "_pool": 3, "_pool_py": 3, "_pool_c": 3, "resolver": 3, "tls": 3, "proxy": 3,
    "happy_eyeballs": 3, "connector": 3, "_connector_py": 3, "_connector_c": 3,
    # L4 one exchange
    "client_request": 4, "client_middlewares": 4, "request_context": 4, "client_response": 4,
    "_client_response_py": 4, "_client_response_c": 4, "_client_request_py": 4,
    "_client_request_c": 4, "_request_context_py": 4, "_request_context_c": 4,
    "cookiejar": 4, "cookie_file": 4, "upload_tracker": 4, "body_sender": 4,
    "redirects": 4,
    # L5 session
    "client": 5, "_client_py": 5, "_client_c": 5,
    # the public face re-exports everything
    "__init__": 6,
}


def _modules() -> list[Path]:
    files = sorted(PKG.glob("*.py")) + sorted(PKG.glob("*.pyx"))
    # `_X_c.py` symlinks are the same source as their `_X_py.py` twin.
    return [f for f in files if not f.is_symlink()]


def _imported_siblings(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8")) if path.suffix == ".py" else None
    found: set[str] = set()
    if tree is None:  # .pyx: a light textual scan of `from .x cimport/import`
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            is_import = parts[:1] in (["from"], ["cimport"], ["import"])
            if is_import and len(parts) >= 2 and parts[1].startswith("."):
                found.add(parts[1].lstrip(".").split(".")[0])
        return found - {""}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                found.add(node.module.split(".")[0])
            elif node.level == 1:
                found.update(a.name for a in node.names)
            elif node.module and node.module.startswith("aiohttp_fast."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("aiohttp_fast."):
                    found.add(alias.name.split(".")[1])
    return found


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.name)
def test_imports_go_downward_only(path: Path) -> None:
    stem = path.stem
    assert stem in LAYERS, f"{path.name}: place this module in a layer in tests/test_layers.py"
    layer = LAYERS[stem]
    for dep in _imported_siblings(path):
        if dep not in LAYERS:
            continue  # a name imported from the package itself (e.g. `from . import hdrs`)
        # Same-layer imports are allowed (a selector imports its twins; L0 leaves share types).
        assert LAYERS[dep] <= layer, (
            f"{path.name} (L{layer}) imports {dep} (L{LAYERS[dep]}): imports must go downward"
        )


def test_no_aiohttp_import() -> None:
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text) if path.suffix == ".py" else None
        if tree is None:
            assert "import aiohttp\n" not in text
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert not any(a.name.split(".")[0] == "aiohttp" for a in node.names), path.name
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                assert node.module.split(".")[0] != "aiohttp", path.name


@pytest.mark.parametrize(
    "stem", [p.stem for p in _modules() if p.suffix == ".py" and p.stem != "__init__"]
)
def test_module_imports_alone(stem: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", f"import aiohttp_fast.{stem}"],
        capture_output=True,
        text=True,
        cwd=PKG.parent,
    )
    assert proc.returncode == 0, proc.stderr
