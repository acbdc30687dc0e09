"""The one part of the build pyproject.toml cannot state yet (setuptools calls its `ext-modules`
table experimental): the ownership walk's full walk in C (doctor.host.owner_native). Optional:
where no C compiler or no Python headers are at hand, the install goes on without it and the
walk runs GNU find, as before."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("doctor.host._ownerwalk", ["src/doctor/host/_ownerwalk.c"], optional=True)])
