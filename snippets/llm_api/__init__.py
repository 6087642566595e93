"""Calling a hosted LLM through the openai Python SDK."""
