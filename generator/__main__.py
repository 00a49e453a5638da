"""`python -m generator`: the `helpgen` command."""

from generator.cli import run_and_exit

run_and_exit()
