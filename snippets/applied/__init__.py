"""Applied LLM systems: retrieval-augmented generation."""
