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
        """The text translated sentence by sentence in one batch, line breaks kept. As
        argostranslate does, a line's output tokens are decoded together."""
        parts = split_lines(text)
        pieces: list[tuple[int, list[str]]] = []  # (line, tokens)
        for line in range(0, len(parts), 2):
            for sentence in split_sentences(parts[line]):
                tokens = self._tokenizer.encode(sentence, out_type=str)
                for start in range(0, max(len(tokens), 1), MAX_INPUT_TOKENS):
                    pieces.append((line, tokens[start : start + MAX_INPUT_TOKENS]))
            parts[line] = ""
        outputs = self._run(pieces)
        for line in range(0, len(parts), 2):
            tokens = [token for (owner, _), out in zip(pieces, outputs, strict=True)
                      if owner == line for token in out]  # fmt: skip
            parts[line] = self._tokenizer.decode(tokens).strip() if tokens else ""
        return "".join(parts)

    def _run(self, pieces: list[tuple[int, list[str]]]) -> list[list[str]]:
        """The output tokens of each piece. One batch per output bound, so that a
        sentence's translation never depends on the sentences beside it."""
        groups: dict[int, list[int]] = {}
        for index, (_, tokens) in enumerate(pieces):
            groups.setdefault(output_bound(len(tokens)), []).append(index)
        prefix = [self.info.target_prefix] if self.info.target_prefix else None
        outputs: list[list[str]] = [[] for _ in pieces]
        for bound, members in groups.items():
            results = self._translator.translate_batch(
                [pieces[i][1] for i in members],
                target_prefix=[prefix] * len(members) if prefix else None,
                beam_size=BEAM_SIZE,
                length_penalty=LENGTH_PENALTY,
                replace_unknowns=True,
                max_decoding_length=bound,
                max_batch_size=32,
            )
            for index, result in zip(members, results, strict=True):
                outputs[index] = list(result.hypotheses[0][1:] if prefix else result.hypotheses[0])
        return outputs


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
