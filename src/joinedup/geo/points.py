"""Random points inside polygons, and which area a point falls in (vectorised)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree


def random_points_in(geometry: BaseGeometry, n: int, rng: np.random.Generator,
                     ) -> NDArray[np.float64]:
    """``n`` points uniformly inside ``geometry`` as an (n, 2) array of x (lon), y (lat).

    Rejection sampling from the bounding box, in batches, so the cost is a few vectorised
    containment tests whatever the shape.
    """
    out = np.empty((n, 2), dtype=np.float64)
    if n == 0:
        return out
    minx, miny, maxx, maxy = geometry.bounds
    fill = max(geometry.area / max((maxx - minx) * (maxy - miny), 1e-18), 0.05)
    shapely.prepare(geometry)
    got = 0
    for _ in range(200):
        batch = int((n - got) / fill * 1.3) + 8
        xs = rng.uniform(minx, maxx, batch)
        ys = rng.uniform(miny, maxy, batch)
        inside = shapely.contains_xy(geometry, xs, ys)
        take = min(int(inside.sum()), n - got)
        out[got:got + take, 0] = xs[inside][:take]
        out[got:got + take, 1] = ys[inside][:take]
        got += take
        if got == n:
            return out
    # A degenerate sliver: fall back to points on the boundary's representative point.
    point = geometry.representative_point()
    out[got:] = (point.x, point.y)
    return out


def locate(xy: NDArray[np.float64], geometries: Sequence[BaseGeometry]) -> NDArray[np.int64]:
    """Index of the geometry containing each point, or -1 when none does.

    Where boundaries overlap (generalised files), the lowest index wins, so results are
    deterministic.
    """
    result = np.full(len(xy), -1, dtype=np.int64)
    if len(xy) == 0 or not geometries:
        return result
    tree = STRtree(list(geometries))
    points = shapely.points(xy[:, 0], xy[:, 1])
    point_idx, geom_idx = tree.query(points, predicate="within")
    order = np.lexsort((geom_idx, point_idx))
    point_idx, geom_idx = point_idx[order], geom_idx[order]
    first = np.ones(len(point_idx), dtype=bool)
    first[1:] = point_idx[1:] != point_idx[:-1]
    result[point_idx[first]] = geom_idx[first]
    return result
