"""The demo world that `load_demo_data` builds: accounts, the curriculum (JSON in curriculum/), centre records,
a peer educator and a year of programme evidence, all written through the same services users call."""
