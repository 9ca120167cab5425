"""Generation jobs, token usage and provider settings."""
