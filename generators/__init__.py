"""Plain-Python generators: spec -> {relative path: content}. Never imports cdktf."""
