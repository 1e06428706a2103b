"""The JSON Schema checker now lives in bot/kernel/json_schema.py (the holder catalog's
loader uses it too); tests import it from here as before."""

from bot.kernel.json_schema import errors

__all__ = ["errors"]
