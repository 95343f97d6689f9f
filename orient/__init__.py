"""orient: from "who, where, when, what is wrong" to the right service.

Data flows situation -> rules -> directory -> ranked answer -> screen, CLI or handout.
The engine (`orient.engine`) and the directory (`orient.directory`) are plain
Python and never import Textual; `orient.ui` and `orient.cli` are thin layers
over `orient.orientation.orient()`.
"""

__version__ = "0.1.0"
