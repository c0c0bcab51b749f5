"""Entry point of the frozen appliance executable."""

import sys

from doorman.frozen import adopt_unpack_dir, read_ahead_model

adopt_unpack_dir()
read_ahead_model(sys.argv[1:])

from doorman.cli.app import main

main()
