"""Reading: every source file of a hub becomes a model object. No cross-file knowledge here."""
