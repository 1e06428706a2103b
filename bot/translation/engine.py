"""Running an unpacked argostranslate package with CTranslate2 and SentencePiece directly,
as argostranslate does (beam 4, length penalty 0.2, unknown tokens replaced), without
its torch and stanza. Imported only by the worker process and `lotse mt` (the libraries
come with the `mt` extra); `lotse serve` never loads them."""

from __future__ import annotations

import importlib.util
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

from bot.translation.package import MODEL_DIR, TOKENIZER, PackageError, read_installed
from bot.translation.sentences import split_lines, split_sentences
from bot.translation.views import EngineInfo

ENGINE_MODULES = ("ctranslate2", "sentencepiece")
BEAM_SIZE = 4
LENGTH_PENALTY = 0.2
#: Longer sentences are cut into pieces of this many tokens (models are trained on
#: sentences; a chat message without full stops can be one long "sentence").
MAX_INPUT_TOKENS = 200
#: Output may be this much longer than the input (and at most 256 tokens, as Argos),
#: which bounds the time a degenerate repetition can take.
MAX_OUTPUT_FACTOR = 3


def available() -> bool:
    """The `mt` extra is installed (checked without importing it)."""
    return all(importlib.util.find_spec(name) is not None for name in ENGINE_MODULES)


def engine_info() -> EngineInfo:
    try:
        versions = [installed_version(name) for name in ENGINE_MODULES]
    except PackageNotFoundError:
        versions = ["?", "?"]
    return EngineInfo("/".join(ENGINE_MODULES), "/".join(versions))


class LoadedModel:
    """One package in memory: the CTranslate2 translator and its tokenizer."""

    def __init__(self, directory: Path, *, threads: int = 1) -> None:
        import ctranslate2
        import sentencepiece

        self.info = read_installed(directory)
        # One request at a time reaches a worker: one translator replica (inter_threads),
        # using `threads` cores for each translation (intra_threads).
        self._translator: Any = ctranslate2.Translator(
            str(directory / MODEL_DIR), device="cpu", inter_threads=1, intra_threads=threads
        )
        self._tokenizer: Any = sentencepiece.SentencePieceProcessor(
            model_file=str(directory / TOKENIZER)
        )

    def translate(self, text: str) -> str:
        """The text translated sentence by sentence in one batch, line breaks kept."""
        parts = split_lines(text)
        lines = [split_sentences(part) for part in parts[::2]]
        sentences = [sentence for line in lines for sentence in line]
        translated = iter(self._batch(sentences))
        for index, line in enumerate(lines):
            parts[index * 2] = " ".join(next(translated) for _ in line)
        return "".join(parts)

    def _batch(self, sentences: list[str]) -> list[str]:
        pieces: list[tuple[int, list[str]]] = []
        for index, sentence in enumerate(sentences):
            tokens = self._tokenizer.encode(sentence, out_type=str)
            for start in range(0, max(len(tokens), 1), MAX_INPUT_TOKENS):
                pieces.append((index, tokens[start : start + MAX_INPUT_TOKENS]))
        # One batch per output bound, so that a sentence's translation never depends on
        # the sentences beside it.
        groups: dict[int, list[tuple[int, list[str]]]] = {}
        for piece in pieces:
            groups.setdefault(output_bound(len(piece[1])), []).append(piece)
        out = [""] * len(sentences)
        for bound, group in sorted(groups.items()):
            for (owner, _), decoded in zip(
                group, self._run([p for _, p in group], bound), strict=True
            ):
                out[owner] = f"{out[owner]} {decoded}".strip()
        return out

    def _run(self, pieces: list[list[str]], bound: int) -> list[str]:
        prefix = [self.info.target_prefix] if self.info.target_prefix else None
        results = self._translator.translate_batch(
            pieces,
            target_prefix=[prefix] * len(pieces) if prefix else None,
            beam_size=BEAM_SIZE,
            length_penalty=LENGTH_PENALTY,
            replace_unknowns=True,
            max_decoding_length=bound,
            max_batch_size=32,
        )
        return [
            self._tokenizer.decode(r.hypotheses[0][1:] if prefix else r.hypotheses[0]).strip()
            for r in results
        ]


def output_bound(tokens: int) -> int:
    """At most this many output tokens for an input of `tokens`: three times as many and
    16 more, rounded up to 32 (fewer batches), and never more than Argos' 256."""
    return min(256, -(-(MAX_OUTPUT_FACTOR * tokens + 16) // 32) * 32)


def check_model(directory: Path, *, threads: int = 1) -> None:
    """Refuse (PackageError) an unpacked package the engine cannot load and run."""
    try:
        LoadedModel(directory, threads=threads).translate("Test.")
    except PackageError:
        raise
    except Exception as error:
        raise PackageError(f"the model does not load ({type(error).__name__})") from None
