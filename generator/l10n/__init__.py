"""Everything gettext: read and write catalogs, translate segments, check translations, update catalogs."""
