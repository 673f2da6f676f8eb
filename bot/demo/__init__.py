"""`baton demo`: a scripted team plays working days against the simulated Bot API."""
