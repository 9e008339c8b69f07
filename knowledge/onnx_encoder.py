"""all-MiniLM-L6-v2 on ONNX Runtime: the ``tokenizers`` library cuts the text into word pieces, the
exported graph gives each piece's vector, and the sentence vector is their mean over the attention mask,
L2-normalised, exactly as sentence-transformers' Pooling and Normalize modules compute it. No torch."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


def mean_pool_normalised(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """(batch, tokens, dim) and (batch, tokens) -> (batch, dim) float32 unit vectors."""
    import numpy as np

    weights = mask[..., None].astype(np.float32)
    summed = (hidden * weights).sum(axis=1)
    pooled = summed / np.clip(weights.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


class OnnxEncoder:
    """Encodes texts with an exported folder (``model.onnx``, ``tokenizer.json``); CPU only."""

    name = "onnxruntime"
    device = "cpu"

    def __init__(self, folder: Path) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.folder = folder
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        options = ort.SessionOptions()
        # the graph was fused at export; the remaining basic passes are cheap, the extended ones cost ~0.3 s
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        # no busy-waiting threads between calls: the embedder runs in bursts beside other work
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(
            str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )
        self.inputs = {i.name for i in self.session.get_inputs()}

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """(len(texts), dim) float32, unit length; batches hold texts of similar length, as in
        sentence-transformers, so little of each batch is padding."""
        import numpy as np

        stripped = [str(t).strip() for t in texts]  # sentence-transformers strips each text too
        order = sorted(range(len(stripped)), key=lambda i: -len(stripped[i]))
        out: list[np.ndarray] = []
        for start in range(0, len(order), batch_size):
            chunk = [stripped[i] for i in order[start : start + batch_size]]
            out.append(self._encode_batch(chunk))
        vectors = np.concatenate(out) if out else np.zeros((0, 0), dtype=np.float32)
        result = np.empty_like(vectors)
        result[order] = vectors
        return result

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        encodings = self.tokenizer.encode_batch(texts)
        ids = np.asarray([e.ids for e in encodings], dtype=np.int64)
        mask = np.asarray([e.attention_mask for e in encodings], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        (hidden,) = self.session.run(
            ["last_hidden_state"], {k: v for k, v in feed.items() if k in self.inputs}
        )
        return mean_pool_normalised(hidden, mask)
