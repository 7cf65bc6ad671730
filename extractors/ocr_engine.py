"""The OCR engines of a process: as many as it may read pages at once, each on one core.

RapidOCR's onnxruntime sessions run a page on a thread per core, the threads spinning between the
model's layers: two pages of the benchmark's scan cost 51 CPU seconds so, 43 on one thread, and 33
on one thread keeping its memory between calls (``_session``). So every engine runs its models on
one thread, and a process reads up to ``threads()`` pages side by side, each with an engine of its
own (an engine keeps state between the steps of a call: two pages never share one).

The models are loaded with their element-wise steps fused into the convolutions (``onnx_fusion``): a
third less CPU for the same characters.

``threads()`` is the process's share of the CPUs it may run on: all of them for a single review;
a batch's worker processes divide them (the batch calls ``share`` in each worker it forks, so
``--jobs 2`` on two cores reads one page at a time in each); ``NIANBAO_OCR_THREADS`` overrides.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy is loaded with the first engine: a text review never needs it
    import numpy as np

_MAX_SIDE = 3000  # larger pages are shrunk to this before anything (a page is rendered to fit)
_NARROWEST = 240  # pixels at the recogniser's 48 high
_THREADS = "NIANBAO_OCR_THREADS"
_processes = 1  # the processes sharing this machine's CPUs for OCR (a batch's workers)
_made = 0  # engines made by this process, lent or free
_free: list[Any] = []
_lending = threading.Condition()


def threads() -> int:
    """How many pages this process reads at once."""
    chosen = os.environ.get(_THREADS, "").strip()
    if chosen.isdigit() and int(chosen) > 0:
        return int(chosen)
    return max(1, _cpus() // _processes)


def _cpus() -> int:
    """The CPUs this process may run on (a container or ``taskset`` may give it fewer than the
    machine has; macOS cannot say)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def share(processes: int) -> None:
    """This process is one of ``processes`` reading at the same time (a batch's worker)."""
    global _processes
    _processes = max(1, processes)


@contextmanager
def engine() -> Iterator[Any]:
    """An engine for one page, waiting for one to be free once ``threads()`` are lent."""
    global _made
    with _lending:
        while not _free and _made >= threads():
            _lending.wait()
        lent = _free.pop() if _free else None
        if lent is None:
            _made += 1
    try:
        if lent is None:  # made side by side by the first pages (a quarter second each)
            lent = _new()
    except BaseException:
        with _lending:
            _made -= 1
            _lending.notify()
        raise
    try:
        yield lent
    finally:
        with _lending:
            _free.append(lent)
            _lending.notify()


def _new() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    made = RapidOCR(
        max_side_len=_MAX_SIDE,
        # one line at a time: a batch pads every line to its widest, and what the model reads of a
        # line then depends on the lines batched with it
        rec_batch_num=1,
        # a line narrower than this is padded to it: a table's lone 「0」 costs three quarters of what it
        # did at the model's 320 and is still read as 「0」 (at 160 one in the 150-dpi test scan is 「o」)
        rec_img_shape=[3, 48, _NARROWEST],
    )
    made.text_det.infer.session = _Shrinking(_session(made.text_det.infer.session._model_path))
    made.text_rec.session.session = _session(made.text_rec.session.session._model_path)
    made.text_det.get_preprocess = _in_float32(made.text_det.get_preprocess)
    return made


def _in_float32(preprocess: Any) -> Any:
    """RapidOCR scales a page for detection in float64 and then casts it: 0.77 s a page on a busy
    machine, 0.22 s with the resizing when done in float32 (the same values, to the bit, on a page)."""
    import numpy as np

    def prepared(longest: int) -> Any:
        step = preprocess(longest)
        scale = (1 / (255 * step.std)).astype(np.float32)
        shift = (step.mean / step.std).astype(np.float32)
        step.normalize = lambda image: image.astype(np.float32) * scale - shift
        return lambda image: _grey_prepared(step, image, scale, shift)

    return prepared


def _grey_prepared(step: Any, image: np.ndarray, scale: np.ndarray, shift: np.ndarray) -> Any:
    """A page in grey (``ocr.recognise`` gives its three channels alike) resized and scaled once,
    not three times over: 0.14 CPU seconds less a page, the same values to the bit."""
    import numpy as np

    grey = image[:, :, 0]
    if image.shape[2] != 3 or not (
        np.array_equal(grey, image[:, :, 1]) and np.array_equal(grey, image[:, :, 2])
    ):
        return step(image)
    resized = step.resize(grey)
    if resized is None:
        return None
    prepared = np.empty((1, 3, *resized.shape), np.float32)
    level = resized.astype(np.float32)
    for channel in range(3):  # image · scale − shift in float32, as step.normalize
        np.subtract(np.multiply(level, scale[channel]), shift[channel], out=prepared[0, channel])
    return prepared


def _session(model: str) -> Any:
    """One thread, and the memory of one call reused by the next layers and calls: RapidOCR's
    sessions allocate every layer's output afresh, and the kernel zeroes each new page of it."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 4
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    from .onnx_fusion import fused

    return ort.InferenceSession(fused(model), options, providers=["CPUExecutionProvider"])


class _Shrinking:
    """A session that hands its memory back after each call: detection on a whole page takes a
    gigabyte, not to be kept by every engine of a long-running process between pages. Measured
    on three pages: 6.4 CPU seconds keeping it, 7.9 handing it back, 10.3 as RapidOCR sets it."""

    def __init__(self, session: Any):
        import onnxruntime as ort

        self._session = session
        self._options = ort.RunOptions()
        self._options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    def run(self, names: Any, feeds: Any) -> Any:
        return self._session.run(names, feeds, self._options)

    def __getattr__(self, name: str) -> Any:  # its inputs, outputs and metadata
        return getattr(self._session, name)


def _forked() -> None:
    """A forked child has only the thread that forked: engines lent by the parent's other threads
    are not coming back, and a lock they held is never released."""
    global _lending, _made
    _lending, _made = threading.Condition(), len(_free)


os.register_at_fork(after_in_child=_forked)
