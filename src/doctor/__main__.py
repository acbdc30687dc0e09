"""`python -m doctor`."""

from doctor.cli import console

console()
