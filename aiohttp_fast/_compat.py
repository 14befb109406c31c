"""The one switch that forces the pure-Python twins: ``AIOHTTP_FAST_NO_EXTENSIONS=1``."""

import os

NO_EXTENSIONS: bool = os.environ.get("AIOHTTP_FAST_NO_EXTENSIONS", "") not in ("", "0")
