"""A pair model that reads a claim and a statement together: MiniLM as a cross-encoder.

The stance model (``stance/predict.py``) compares two sentence embeddings and word
features: it reads the topic of a pair well and its relation poorly. Given the claim a gold
reaction is about, it reads about two in five of the real-news gold's reactions acceptably
(docs/stance.md). A cross-encoder sees both texts in one pass, so the words of one attend to
the words of the other.

The base encoder is the packaged all-MiniLM-L6-v2 (``link.embeddings.model_path``); only its
top ``layers`` transformer layers and a linear head over the mean-pooled output are trained
(``stance/train_pair.py``, ``make train-pair``), and only those are stored, in half precision
(``models/stance/pair``, 7 MB for two layers): the base weights come with every install.

The model is not used by linking yet, and its weights are not committed (the folder is
ignored by git): on the real-news dev ledger it read the index's evidence pairs for three more
gold reactions at twice the linking time, because most missed reactions never reach the stance
stage (docs/stance.md, "A pair model").
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimledger.records import Stance

PAIR_MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "stance" / "pair"
# The head's classes, in order.
PAIR_LABELS: tuple[Stance, ...] = ("supports", "refutes", "questions", "discusses", "unrelated")
# Tokens of a pair read (claim and statement together); longer statements are cut.
MAX_TOKENS = 128


@dataclass
class PairModel:
    """The encoder (base weights with its trained top layers), its head and tokenizer."""

    encoder: Any
    head: Any
    tokenizer: Any
    layers: int

    def probabilities(self, pairs: Sequence[tuple[str, str]], *, batch_size: int = 32) -> Any:
        """Class probabilities (``PAIR_LABELS`` order) of each (claim, statement) pair."""
        import numpy as np
        import torch

        out = []
        self.encoder.eval()
        with torch.no_grad():
            for i in range(0, len(pairs), batch_size):
                batch = pairs[i : i + batch_size]
                logits = self.head(self.pooled([c for c, _ in batch], [s for _, s in batch]))
                out.append(torch.softmax(logits, -1).numpy())
        return np.concatenate(out) if out else np.zeros((0, len(PAIR_LABELS)), np.float32)

    def predict(self, pairs: Sequence[tuple[str, str]]) -> list[tuple[Stance, float]]:
        """Each pair's most probable stance and its probability."""
        probs = self.probabilities(pairs)
        return [(PAIR_LABELS[int(p.argmax())], float(p.max())) for p in probs]

    def pooled(self, claims: Sequence[str], texts: Sequence[str]) -> Any:
        """Mean-pooled encoder output of each pair, as the base model pools sentences."""
        x = self.tokenizer(
            list(claims),
            list(texts),
            return_tensors="pt",
            padding=True,
            truncation=True,
            max_length=MAX_TOKENS,
        )
        hidden = self.encoder(**x).last_hidden_state
        mask = x["attention_mask"].unsqueeze(-1).float()
        return (hidden * mask).sum(1) / mask.sum(1)

    def top_parameters(self) -> dict[str, Any]:
        """The encoder's parameters in its top ``layers`` layers, by name."""
        total = int(self.encoder.config.num_hidden_layers)
        names = tuple(f"encoder.layer.{total - 1 - i}." for i in range(self.layers))
        return {n: p for n, p in self.encoder.named_parameters() if n.startswith(names)}

    def trained_parameters(self) -> list[Any]:
        """The parameters training moves: the top ``layers`` layers and the head."""
        return [*self.top_parameters().values(), *self.head.parameters()]


def base_pair_model(*, layers: int = 2) -> PairModel:
    """The packaged MiniLM with a fresh head; only the top ``layers`` layers will train."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from transformers import AutoModel, AutoTokenizer

    from claimledger.link.embeddings import model_path

    path = model_path()
    encoder = AutoModel.from_pretrained(str(path))
    head = torch.nn.Linear(encoder.config.hidden_size, len(PAIR_LABELS))
    model = PairModel(encoder, head, AutoTokenizer.from_pretrained(str(path)), layers)
    top = model.top_parameters()
    for n, p in encoder.named_parameters():
        p.requires_grad = n in top
    return model


def save_pair_model(model: PairModel, folder: Path, *, meta: dict[str, Any]) -> None:
    """Write the trained layers and head (half precision) and ``meta.json``."""
    import torch
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    tensors = {
        f"encoder.{n}": p.detach().to(torch.float16).contiguous()
        for n, p in model.top_parameters().items()
    }
    tensors |= {
        f"head.{n}": p.detach().to(torch.float16).contiguous()
        for n, p in model.head.named_parameters()
    }
    save_file(tensors, str(folder / "pair.safetensors"))
    info = {"labels": list(PAIR_LABELS), "layers": model.layers, **meta}
    (folder / "meta.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")


def read_pair_model(folder: Path = PAIR_MODEL_DIR) -> PairModel:
    """The base MiniLM with the trained layers and head of ``folder``.

    Raises:
        FileNotFoundError: ``folder`` holds no trained pair model (``make train-pair``).
    """
    from safetensors.torch import load_file

    weights = folder / "pair.safetensors"
    if not weights.is_file():
        raise FileNotFoundError(f"{weights}: no trained pair model (run make train-pair)")
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    model = base_pair_model(layers=int(meta["layers"]))
    tensors = load_file(str(weights))
    enc = {k[8:]: v.float() for k, v in tensors.items() if k.startswith("encoder.")}
    head = {k[5:]: v.float() for k, v in tensors.items() if k.startswith("head.")}
    if set(enc) != set(model.top_parameters()):
        raise ValueError(f"{weights}: its encoder weights are not the top {model.layers} layers")
    model.encoder.load_state_dict(enc, strict=False)
    model.head.load_state_dict(head)
    model.encoder.eval()
    return model
