"""Built-in checks: one module per check id, registered through the doctor.checks entry points."""
