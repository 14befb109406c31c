"""Build script: compiles the accelerated twins, falls back to pure Python when it cannot.

Every extension module ``aiohttp_fast/_X_c`` is found by convention:
- ``_X_c.pyx``: a Cython source (the llhttp-backed parser is one);
- ``_X_c.py`` + ``_X_c.pxd``: a Python module (a symlink to its twin ``_X_py.py``) compiled by
  Cython with the ``.pxd`` adding C types, so both implementations share one source.

``AIOHTTP_FAST_NO_EXTENSIONS=1`` skips compilation; a failed compilation says so loudly and the
package installs as a pure-Python build (the selectors then pick the ``_py`` twins).
"""

import os
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).parent
PKG = HERE / "aiohttp_fast"
LLHTTP = HERE / "vendor" / "llhttp"
NO_EXTENSIONS = os.environ.get("AIOHTTP_FAST_NO_EXTENSIONS", "") not in ("", "0")


def _extensions():
    from setuptools import Extension

    exts = []
    for src in sorted(PKG.glob("_*_c.pyx")) + sorted(PKG.glob("_*_c.py")):
        name = "aiohttp_fast." + src.stem
        sources = [str(src.relative_to(HERE))]
        include_dirs = []
        if src.stem == "_parser_c":
            llhttp_sources = ("llhttp.c", "api.c", "http.c")
            sources += [str((LLHTTP / f).relative_to(HERE)) for f in llhttp_sources]
            include_dirs.append(str(LLHTTP.relative_to(HERE)))
        exts.append(
            Extension(
                name,
                sources,
                include_dirs=include_dirs,
                extra_compile_args=["-O3"] if sys.platform != "win32" else [],
            )
        )
    from Cython.Build import cythonize

    return cythonize(
        exts,
        compiler_directives={
            "language_level": "3",
            "boundscheck": False,
            "wraparound": False,
            "cdivision": True,
            "embedsignature": True,
        },
        quiet=True,
    )


def _loud(msg: str) -> None:
    bar = "*" * 78
    print(f"\n{bar}\n{msg}\n{bar}\n", file=sys.stderr)


class OptionalBuildExt(build_ext):
    """Build each extension, but never fail the install: fall back to the Python twins."""

    def run(self):
        try:
            super().run()
        except Exception as exc:  # compiler missing, headers missing, ...
            _loud(f"aiohttp_fast: C extensions could not be built ({exc!r}).\n"
                  "Installing a PURE-PYTHON BUILD: correct, but slower.")

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as exc:
            _loud(f"aiohttp_fast: extension {ext.name} failed to build ({exc!r}).\n"
                  "That module falls back to its PURE-PYTHON twin.")


ext_modules = []
if NO_EXTENSIONS:
    _loud("aiohttp_fast: AIOHTTP_FAST_NO_EXTENSIONS is set: pure-Python build.")
else:
    try:
        ext_modules = _extensions()
    except Exception as exc:  # Cython missing or a source failing to translate
        _loud(f"aiohttp_fast: Cython translation failed ({exc!r}).\nPURE-PYTHON BUILD.")

setup(ext_modules=ext_modules, cmdclass={"build_ext": OptionalBuildExt})
