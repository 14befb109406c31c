"""aiohttp_fast: a fast asyncio HTTP/1.1 client, a drop-in for aiohttp's client API."""

__version__ = "0.1.0"
