"""What the translation service answers: a translation with its provenance, or an honest
reason why there is none. The caller always gets the original back."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    TRANSLATED = "translated"
    #: Source and target are the same language: the original is the text.
    SAME_LANGUAGE = "same-language"
    #: No published model covers the pair at all (ps, ku, ckb, ti, so): Lotse never pretends.
    NO_MODEL_EXISTS = "no-model-exists"
    #: Models exist upstream, but the operator has not installed the ones needed.
    NOT_INSTALLED = "not-installed"
    #: This server has no translation engine (the `mt` extra is not installed).
    ENGINE_MISSING = "engine-missing"
    #: The request took longer than its time limit; the worker was restarted.
    TIMEOUT = "timeout"
    #: The worker failed on this request (a broken model, a crash); it was restarted.
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class ModelUsed:
    """One installed model a translation went through."""

    source: str
    target: str
    version: str

    @property
    def pair(self) -> str:
        return f"{self.source}-{self.target}"


@dataclass(frozen=True, slots=True)
class EngineInfo:
    name: str
    version: str


@dataclass(frozen=True, slots=True)
class Translation:
    """`text` is the translation, None when there is none (the outcome says why); the
    original is always kept so a reader can be shown both."""

    outcome: Outcome
    original: str
    source: str
    target: str
    text: str | None = None
    #: The languages the text went through, e.g. ("fa", "en", "de"); empty without one.
    path: tuple[str, ...] = ()
    models: tuple[ModelUsed, ...] = ()
    engine: EngineInfo | None = None
    #: Answered from the worker's in-memory cache.
    cached: bool = False

    @property
    def translated(self) -> bool:
        return self.outcome is Outcome.TRANSLATED

    def shown(self) -> str:
        """What to show a reader: the translation, or else the original."""
        return self.text if self.text is not None else self.original

    def provenance(self) -> str:
        """One line for people who check: engine, models and path (never the text)."""
        if not self.path:
            return str(self.outcome)
        models = ", ".join(f"{m.pair} {m.version}" for m in self.models)
        engine = f"{self.engine.name} {self.engine.version}" if self.engine else "?"
        cached = ", from the cache" if self.cached else ""
        return f"{self.outcome}: {'→'.join(self.path)} via {models} ({engine}{cached})"
