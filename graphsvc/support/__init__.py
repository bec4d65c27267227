"""Small helpers that know nothing of the domain: settings from the environment, where the
shipped resource folders are, and the collector pause of bulk work."""
