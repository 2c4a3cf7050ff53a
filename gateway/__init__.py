"""The Varta gateway: frames in, recognizers called, watchlists matched, sightings and alerts out."""
