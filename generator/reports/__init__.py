"""Reports on a project: translation statistics, QA findings, and the variants of an article."""
