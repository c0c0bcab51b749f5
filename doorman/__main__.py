from doorman.cli.app import main

main()
