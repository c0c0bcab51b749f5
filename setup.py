"""Builds the compiled recognisers (doorman/boundary/fast/*.pyx); everything else is in pyproject.toml.

They are optional: where a module does not compile (no C compiler), the install goes on and the
sanitiser uses the Python recognisers, which find exactly the same values.
"""

from pathlib import Path

from Cython.Build import cythonize
from setuptools import setup

extensions = cythonize(
    sorted(str(path) for path in Path("doorman/boundary/fast").glob("*.pyx")),
    compiler_directives={"language_level": "3", "wraparound": False},
)
for extension in extensions:
    extension.optional = True
    extension.extra_compile_args = ["-g0"]  # no debug sections: a smaller executable; -O and no -march as Python's

setup(ext_modules=extensions)
