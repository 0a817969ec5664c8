"""Load and benchmark scripts (`make load`, `make bench`): figures are printed, never asserted."""
