"""Watchlists: CRUD, plate and person entries, bulk CSV/ZIP upload, face enrolment."""
