"""Settings modules: base (shared), dev (default), production and test."""
