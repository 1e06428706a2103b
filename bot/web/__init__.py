"""The one aiohttp application: the web chat, the office API and page, health."""
