from harrier_explorer.cli import main

main()
