"""The CLI's commands, one module per group; ``cli.py`` assembles them. Commands are thin: they
parse options, call the same Python API a program would, and print rich tables or JSON."""
