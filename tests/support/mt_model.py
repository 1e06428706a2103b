"""A tiny argostranslate package, built without any download: a one-layer CTranslate2
Transformer with small random weights, the vocabulary of a SentencePiece model trained
on a few lines, and a metadata.json, zipped like Argos' own packages (one top folder).
It loads and "translates" (deterministic nonsense) in milliseconds: it tests the
plumbing, not the quality. Needs the `mt` extra (ctranslate2, sentencepiece, numpy)."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

LINES = [
    "Guten Tag, ich brauche Hilfe bei meinem Antrag.",
    "Wann ist die Beratung geöffnet? Ich komme morgen.",
    "Hello, I need help with my application.",
    "When is the advice centre open? I will come tomorrow.",
    "سلام، برای درخواستم به کمک نیاز دارم.",
    "مشاوره کی باز است؟ فردا می‌آیم.",
    "مرحبا، أحتاج إلى مساعدة في طلبي.",
]
DIM, FFN = 16, 32


def _tokenizer() -> bytes:
    import sentencepiece

    model = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(LINES * 4), model_writer=model, vocab_size=120,
        character_coverage=1.0, hard_vocab_limit=False, minloglevel=2,
    )  # fmt: skip
    return model.getvalue()


def _shape(name: str, vocabulary: int) -> tuple[int, ...]:
    parts = name.split("/")
    owner, last = parts[-2], parts[-1]
    if owner.startswith("embeddings") or owner == "projection":
        out, inner = vocabulary, DIM
    elif owner in ("layer_norm",):
        return (DIM,)
    elif "ffn" in parts:
        out, inner = {"linear_0": (FFN, DIM), "linear_1": (DIM, FFN)}[owner]
    elif "self_attention" in parts:
        out, inner = {"linear_0": 3 * DIM, "linear_1": DIM}[owner], DIM
    else:  # the decoder's attention to the source: query, key+value, output
        out, inner = {"linear_0": DIM, "linear_1": 2 * DIM, "linear_2": DIM}[owner], DIM
    return (out, inner) if last == "weight" else (out,)


def _model(directory: Path, vocabulary: list[str], seed: int, eos_bias: float) -> None:
    import numpy as np
    from ctranslate2.specs import model_spec, transformer_spec

    rng = np.random.default_rng(seed)
    spec = transformer_spec.TransformerSpec.from_config(num_layers=1, num_heads=2)

    def fill(layer: Any, name: str, value: Any) -> None:
        last = name.split("/")[-1]
        if value is None or last == "bias":
            shape = _shape(name, len(vocabulary))
            array = np.ones(shape) if last == "gamma" else rng.standard_normal(shape) * 0.5
            if name == "decoder/projection/bias":
                array[:2] = -1e4  # never <unk> or <s>: a visible, non-empty output
                array[2] = eos_bias  # </s>: the higher, the shorter the output
            setattr(layer, last, array.astype(np.float32))

    model_spec.visit_spec(spec, fill)
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize(quantization="int8")
    spec.save(str(directory))


def build_package(
    path: Path,
    source: str,
    target: str,
    version: str = "1.0",
    *,
    seed: int = 1,
    eos_bias: float = 3.0,
    metadata: dict[str, object] | None = None,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """Write a tiny `.argosmodel` for source→target to `path`. `metadata` replaces
    metadata.json's fields, `extra` adds members (name inside the top folder → bytes)."""
    import sentencepiece

    tokenizer = _tokenizer()
    processor = sentencepiece.SentencePieceProcessor(model_proto=tokenizer)
    vocabulary = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    top = f"translate-{source}_{target}-{version.replace('.', '_')}"
    fields: dict[str, object] = {
        "package_version": version, "argos_version": "1.9.0", "from_code": source,
        "to_code": target, "from_name": source, "to_name": target, "type": "translate",
    }  # fmt: skip
    fields.update(metadata or {})
    with tempfile.TemporaryDirectory() as scratch, zipfile.ZipFile(path, "w") as archive:
        _model(Path(scratch), vocabulary, seed, eos_bias)
        for file in sorted(Path(scratch).iterdir()):
            archive.write(file, f"{top}/model/{file.name}")
        archive.writestr(f"{top}/sentencepiece.model", tokenizer)
        archive.writestr(f"{top}/metadata.json", json.dumps(fields))
        archive.writestr(f"{top}/README.md", "A tiny model for tests: it translates nothing.")
        for name, data in (extra or {}).items():
            archive.writestr(f"{top}/{name}", data)
    return path
