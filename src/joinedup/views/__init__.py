"""Single views on the person index: the council tax single person discount review.

Pure domain code: reads a linked warehouse snapshot through `views.queries`, never imports
the web app.
"""
