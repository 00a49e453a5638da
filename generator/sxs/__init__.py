"""Bring a library of Microsoft bilingual "sxs" articles into a project (`helpgen import-sxs`)."""
