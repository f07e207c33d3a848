"""The one command line (``sesacthon``): every Make target is a thin wrapper over a subcommand."""
