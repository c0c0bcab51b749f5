"""A module's documents as long-term knowledge: ingest, the module-scoped graph, retrieval into prompts."""
