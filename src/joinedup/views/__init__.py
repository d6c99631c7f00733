"""Single views on the person index: one view of debt, the council tax single person discount
review and GP alerts.

Pure domain code: reads a linked warehouse snapshot through `views.queries`, never imports
the web app.
"""
