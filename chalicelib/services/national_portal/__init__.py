"""The national public-service portal (DVCQG): status sync out, dossiers and feedback in."""
