"""Start Harrier Explorer: ``python app.py [--model ID_OR_FOLDER] [--port 7860] ...`` (see ``--help``)."""

import sys

from harrier_explorer.cli import main

if __name__ == "__main__":
    main(["serve", *sys.argv[1:]])
