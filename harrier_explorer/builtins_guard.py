"""One lock between torch.export and numba, which share Python's builtins across threads.

While ``torch.onnx.export(dynamo=True)`` traces a model, it replaces ``builtins.min`` and ``max`` with
``functools.partial`` objects, process-wide. numba compiling UMAP's kernels in another thread meanwhile reads those
names and fails ("Untyped global name 'min'"): on a first start, the background ONNX export and UMAP's warm-up (or a
user's first map) met exactly so. Each holds this lock while it runs.
"""

from __future__ import annotations

import threading

BUILTINS_PATCHED = threading.Lock()
