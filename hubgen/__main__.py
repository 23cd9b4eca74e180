"""`python -m hubgen`: the same as the `hubgen` command."""

from hubgen.cli import main

if __name__ == "__main__":
    main()
