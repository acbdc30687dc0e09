"""compose-spec's JSON schema (data, see SOURCE.txt) and the validator generated from it (compose_spec_validator.py)."""
