"""Entry point of the frozen appliance executable."""

from doorman.frozen import adopt_unpack_dir

adopt_unpack_dir()

from doorman.cli.app import main

main()
