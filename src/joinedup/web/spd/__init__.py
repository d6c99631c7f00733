"""The council tax single person discount review pages, for the revenues role."""
