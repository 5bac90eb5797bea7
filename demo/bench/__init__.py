"""The benchmark behind `make bench`: a large data set (build.py) and page timings (timing.py)."""
