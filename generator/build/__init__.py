"""Turn a project into a site: one page per article and locale, rendered in shards, cached, written, indexed."""
