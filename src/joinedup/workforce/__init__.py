"""joinedup.workforce: demand, forecast, flow, workload, FTE, supply, gap and scenarios.

Pure functions over plain data; I/O (warehouse, CSV, DfE files, reports) stays at the edges.
"""
