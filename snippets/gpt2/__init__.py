"""GPT-2 text generation with KerasHub."""
