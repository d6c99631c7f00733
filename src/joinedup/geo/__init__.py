"""joinedup.geo: boundaries, lookups, random points in polygons, point-in-polygon."""

from joinedup.geo.boundaries import ATTRIBUTION, Area, load_areas, load_lsoa_ward_lookup
from joinedup.geo.points import locate, random_points_in

__all__ = ["ATTRIBUTION", "Area", "load_areas", "load_lsoa_ward_lookup", "locate",
           "random_points_in"]
