"""2-D / 3-D layouts of embeddings (UMAP, or PCA alone) for the cluster plot, plus full-space neighbours.

A layout keeps its fitted reducers so that new points (e.g. queries) can be placed on an existing plot,
and layouts are cached in memory so that re-plotting with the same data and parameters is instant.
"""

from __future__ import annotations

import hashlib
import re
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from sklearn.decomposition import PCA

from harrier_explorer.analysis.metrics import rank_by_score
from harrier_explorer.errors import InputError

#: Width that PCA reduces to before UMAP.
PCA_DIM = 50
#: PCA runs first only from this many points (and when dim > PCA_DIM). Measured on 2 CPU cores, d=1024,
#: after numba warm-up: n=300 0.57 s -> 0.42 s, n=1000 2.5 s -> 1.9 s, n=3000 16.6 s -> 10.5 s;
#: below ~200 points both take well under a second, and PCA could not keep 50 components below 50 points.
PCA_MIN_POINTS = 200
#: From this many points UMAP runs 200 optimisation epochs rather than its 500 (its own choice only above 10,000):
#: with neighbour descent, 10,000 real embeddings take 4.8 s instead of 10.9 s with the same trustworthiness (0.920);
#: below ~2,000 points the shorter run loses up to 0.012 of it and saves little (benchmarks/umap_speed.py, README).
SHORT_RUN_FROM = 2000
SHORT_RUN_EPOCHS = 200
#: Fewest points that can be laid out: UMAP needs at least 2 neighbours per point besides itself.
MIN_POINTS = 3
#: How many layouts the in-memory cache keeps (least recently used ones are dropped).
CACHE_SIZE = 8
#: Largest seed numpy's random state takes (seeds are 0 … 2**32 - 1).
MAX_SEED = 2**32 - 1

Method = Literal["umap", "pca"]
#: Called with (epochs done, epochs in all) while UMAP optimises a layout; it may raise to stop the fit.
OnEpoch = Callable[[int, int], None]


@dataclass(frozen=True)
class ProjectionParams:
    """What a layout depends on (besides the data); part of the cache key."""

    method: Method = "umap"
    n_components: int = 2
    n_neighbors: int = 15
    min_dist: float = 0.1
    seed: int | None = 42


@dataclass(frozen=True)
class Projection:
    """coords[i] = position of embeddings[i] in the layout, shape (n, n_components).

    pca: the PCA applied first (None when skipped); umap: the fitted umap.UMAP (None for method "pca").
    notes: user-facing remarks on what was adapted (e.g. n_neighbors lowered for a small set).
    """

    coords: np.ndarray
    params: ProjectionParams
    pca: PCA | None
    umap: Any
    notes: tuple[str, ...]
    #: Opened from a saved scenario: the coordinates without the fitted reducers (which are never saved).
    replayed: bool = False

    def place(self, embeddings: np.ndarray) -> np.ndarray:
        """Positions (k, n_components) of new (k, d) embeddings in this layout, through the same PCA and UMAP."""
        points = np.atleast_2d(embeddings)
        key = (_fingerprint(np.ascontiguousarray(self.coords)), _fingerprint(np.ascontiguousarray(points)))
        saved = getattr(_taped, "saved", None)
        if saved is not None and key in saved.placed:
            coords = saved.placed[key]
        elif self.replayed:
            raise InputError("This map was opened from a saved scenario, which keeps the map's coordinates but not "
                             "the fitted layout that places new points: build the map again to place them.")
        else:
            coords = self._place(points)
        if hasattr(_taped, "used"):
            _taped.used.placed[key] = coords
        return coords

    def _place(self, points: np.ndarray) -> np.ndarray:
        if self.pca is not None:
            points = self.pca.transform(points)
        if self.umap is None:
            return points
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return self.umap.transform(points)


_cache: OrderedDict[tuple[str, ProjectionParams], Projection] = OrderedDict()
_taped = threading.local()
LayoutKey = tuple[str, ProjectionParams]


@dataclass
class LayoutTape:
    """Layouts by (data, parameters), and points placed on them by (layout, points) fingerprints: what a saved
    scenario keeps of its maps, since the fitted reducers are not saved."""

    layouts: dict[LayoutKey, Projection] = field(default_factory=dict)
    placed: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)


@contextmanager
def taped_layouts(saved: LayoutTape | None = None) -> Iterator[LayoutTape]:
    """Within the block, in this thread: ``project`` and ``place`` answer from ``saved`` first (a saved scenario's),
    and every layout and placement made is noted in the tape yielded (what a scenario saves)."""
    _taped.saved, _taped.used = saved or LayoutTape(), LayoutTape()
    try:
        yield _taped.used
    finally:
        del _taped.saved, _taped.used


def project(embeddings: np.ndarray, params: ProjectionParams | None = None, on_epoch: OnEpoch | None = None
            ) -> Projection:
    """Lay out (n, d) embeddings in 2-D or 3-D, reusing a cached layout of the same data and parameters.

    Args:
        embeddings: (n, d) L2-normalised vectors, n >= 3.
        params: method, n_components (2 or 3), UMAP n_neighbors / min_dist, and seed (None = faster,
            parallel, not reproducible).
        on_epoch: told UMAP's progress through its optimisation epochs (not called for PCA or a cached layout).

    Returns:
        The layout; n_neighbors is lowered to n - 1 (at least 2) for small sets, with a note saying so.
    """
    params = params or ProjectionParams()
    _check(embeddings, params)
    key = (_fingerprint(embeddings), params)
    saved = getattr(_taped, "saved", None)
    layout = (saved and saved.layouts.get(key)) or _cached_or_fitted(key, embeddings, on_epoch)
    if hasattr(_taped, "used"):
        _taped.used.layouts[key] = layout
    return layout


def _cached_or_fitted(key: LayoutKey, embeddings: np.ndarray, on_epoch: OnEpoch | None) -> Projection:
    params = key[1]
    if key in _cache:
        _cache.move_to_end(key)
        return _cache[key]
    if params.method == "pca":
        layout = _fit_pca_layout(embeddings, params)
    else:
        layout = _fit_umap_layout(embeddings, params, on_epoch)
    _cache[key] = layout
    if len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return layout


def clear_cache() -> None:
    """Forget every cached layout (to free memory, or to force a fresh fit)."""
    _cache.clear()


def warm_up() -> None:
    """Fit and apply a tiny map once, so numba compiles UMAP's and nearest-neighbour descent's kernels before the
    user's first map.

    The first UMAP fit in a process spends about 50 s (2 cores) compiling; the app runs this in the background
    once the model is ready. The tiny layout is not cached.
    """
    rng = np.random.default_rng(0)
    points = rng.normal(size=(40, 8)).astype(np.float32)
    _fit_umap_layout(points / np.linalg.norm(points, axis=1, keepdims=True), ProjectionParams()).place(points[:2])


def nearest_neighbours(embeddings: np.ndarray, index: int, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """The k nearest rows to row `index` by cosine in the full embedding space, itself excluded.

    Returns:
        (indices, scores), best first: scores[r] = cos(embeddings[index], embeddings[indices[r]]).
    """
    if not 0 <= index < len(embeddings):
        raise InputError(f"Point index {index} is out of range for {len(embeddings)} points.")
    scores = embeddings @ embeddings[index]
    order = rank_by_score(scores)
    order = order[order != index][:k]
    return order, scores[order]


def _fit_umap_layout(embeddings: np.ndarray, params: ProjectionParams, on_epoch: OnEpoch | None = None
                     ) -> Projection:
    """PCA (when worth it) then UMAP with cosine distance."""
    import umap

    n, dim = embeddings.shape
    notes = []
    pca = None
    points = embeddings
    if dim > PCA_DIM and n >= PCA_MIN_POINTS:
        pca = PCA(n_components=PCA_DIM, random_state=params.seed).fit(embeddings)
        points = pca.transform(embeddings)
        notes.append(f"Reduced {dim} dimensions to {PCA_DIM} with PCA before UMAP, for speed.")
    n_neighbors = max(2, min(params.n_neighbors, n - 1))
    if n_neighbors != params.n_neighbors:
        notes.append(f"Only {n} points: n_neighbors lowered from {params.n_neighbors} to {n_neighbors}.")
    reducer = umap.UMAP(
        n_components=params.n_components,
        n_neighbors=n_neighbors,
        min_dist=params.min_dist,
        metric="cosine",
        random_state=params.seed,
        # Spectral initialisation needs more points than n_components + 1 (an eigenproblem of that size).
        init="spectral" if n > params.n_components + 1 else "random",
        n_epochs=SHORT_RUN_EPOCHS if n >= SHORT_RUN_FROM else None,
        # Below 4,096 points UMAP would compute exact distances through a Python callable, one call per pair (11 s
        # of 12.5 s at 3,000 points); nearest-neighbour descent is as good there and compiled.
        force_approximation_algorithm=True,
        tqdm_kwds=_EpochSink(on_epoch).tqdm_kwds() if on_epoch else None,
    )
    try:
        with warnings.catch_warnings():
            # UMAP warns that a seed disables parallelism, and about tiny graphs; both are expected here.
            warnings.simplefilter("ignore")
            coords = reducer.fit_transform(points)
    except BaseException:
        if on_epoch:
            _release_tqdm_lock()
        raise
    reducer.tqdm_kwds = None  # placing queries later must not report to this fit's listener
    return Projection(coords, params, pca, reducer, tuple(notes))


def _release_tqdm_lock() -> None:
    """Release tqdm's global lock where a stopped fit left it held. tqdm's ``refresh`` holds that lock around
    ``display`` without try/finally, so a listener raising from the bar's file leaves it held by this thread, and
    every later bar in the process (model loading, the next layout) would wait on it forever."""
    from tqdm import tqdm

    lock = tqdm.get_lock()
    while lock.locks[-1]._is_owned():  # the thread lock, acquired last; release() frees each lock once
        lock.release()


class _EpochSink:
    """A file for UMAP's epoch bar (tqdm, the only progress hook UMAP has): the bar is written as "done/total"
    and each write is passed on as numbers. Writes from other threads (tqdm's monitor) are ignored, so the
    listener runs in the fitting thread only and may raise there to stop the fit."""

    def __init__(self, on_epoch: OnEpoch):
        self.on_epoch, self.thread, self.stopped = on_epoch, threading.get_ident(), False

    def tqdm_kwds(self) -> dict:
        # miniters=1 keeps the bar from adapting its pace, which is what makes tqdm's monitor thread redraw it.
        return {"disable": False, "file": self, "bar_format": "{n}/{total}", "mininterval": 0.2, "miniters": 1}

    def write(self, text: str) -> None:
        if threading.get_ident() == self.thread and not self.stopped and (found := re.findall(r"(\d+)/(\d+)", text)):
            done, total = found[-1]
            try:
                self.on_epoch(int(done), int(total))
            except BaseException:
                self.stopped = True  # the bar's close() writes once more on the way out: say nothing then
                raise

    def flush(self) -> None:
        pass


def _fit_pca_layout(embeddings: np.ndarray, params: ProjectionParams) -> Projection:
    """A linear layout: the first n_components principal components (fast, deterministic)."""
    pca = PCA(n_components=params.n_components, random_state=params.seed).fit(embeddings)
    return Projection(pca.transform(embeddings), params, pca, None, ())


def _check(embeddings: np.ndarray, params: ProjectionParams) -> None:
    """Raise InputError for data or parameters that cannot give a layout."""
    if embeddings.ndim != 2:
        raise InputError(f"Embeddings must be a 2-D (points × dimensions) matrix, got shape {embeddings.shape}.")
    if len(embeddings) < MIN_POINTS:
        raise InputError(f"A layout needs at least {MIN_POINTS} points, got {len(embeddings)}.")
    if params.method not in ("umap", "pca"):
        raise InputError(f"Unknown layout method {params.method!r}; choose 'umap' or 'pca'.")
    if params.n_components not in (2, 3):
        raise InputError(f"A layout has 2 or 3 dimensions, got n_components={params.n_components}.")
    if params.seed is not None and not 0 <= params.seed <= MAX_SEED:
        raise InputError(f"The seed must be from 0 to {MAX_SEED}, or empty (faster, not reproducible); "
                         f"got {params.seed}.")
    if params.method == "umap" and params.n_neighbors < 2:
        raise InputError(f"UMAP needs n_neighbors of at least 2, got {params.n_neighbors}.")
    if params.method == "umap" and not 0 <= params.min_dist <= 1:
        raise InputError(f"UMAP's min_dist must be from 0 to 1, got {params.min_dist}.")
    if params.method == "pca" and embeddings.shape[1] < params.n_components:
        raise InputError(f"PCA cannot give {params.n_components} axes from {embeddings.shape[1]}-dim vectors.")


def _fingerprint(embeddings: np.ndarray) -> str:
    """Hash of the matrix's shape, dtype and bytes: equal data gives the same cache key."""
    digest = hashlib.blake2b(np.ascontiguousarray(embeddings).tobytes(), digest_size=16)
    digest.update(f"{embeddings.shape}{embeddings.dtype}".encode())
    return digest.hexdigest()
