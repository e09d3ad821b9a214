"""The map figure's points: WebGL traces whose markers shrink as the map grows (a dense map stays readable and
draws faster), the same size in every trace and in the one-scale colouring."""

import numpy as np

from harrier_explorer.ui.map.plots import MapPoints, map_figure, point_size


def points(n: int, values: bool = False) -> MapPoints:
    rng = np.random.default_rng(0)
    hover = np.array([[str(i), f"cluster {i % 3}", f"text {i}", "f.txt", "label", "en"] for i in range(n)],
                     dtype=object)
    return MapPoints(rng.normal(size=(n, 2)), [f"cluster {i % 3}" for i in range(n)], hover,
                     rng.random(n) if values else None)


def test_markers_shrink_as_the_map_grows_and_every_trace_draws_them_alike():
    sizes = [point_size(n, False) for n in (100, 10_000, 10_001, 30_001, 100_000)]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] == 7 and sizes[-1] < sizes[0]
    assert point_size(100_000, True) < point_size(100, True) <= point_size(100, False)
    for n in (300, 40_000):
        grouped = map_figure(points(n), "cluster")
        assert [t.type for t in grouped.data] == ["scattergl"] * 3
        assert {t.marker.size for t in grouped.data} == {point_size(n, False)}
        assert map_figure(points(n, values=True), "overlap").data[0].marker.size == point_size(n, False)
