"""Read and understand the source: articles, their segments, conditions, plurals, links and navigation."""
