"""Pure stages that turn files into pages, words, a classified document and fields (no Prefect)."""
