"""Running notebooks with papermill and rendering them, with an index, as HTML reports."""
