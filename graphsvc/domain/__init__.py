"""The domain: what a project's people, duties and lines are (pydantic models), the bundle
that carries them in and out, API keys and the audit entry. No I/O, no store."""
