"""Exceptions raised by the vision tools.

Tools raise these and never swallow them; only the orchestrator turns them into a note in
an answer, and only the CLI turns them into one line and an exit code. Every message says
what was expected and what came.
"""

from __future__ import annotations


class ArgusError(Exception):
    """Base of every error a user can cause; its message is meant to be shown as-is."""


class ImageLoadError(ArgusError):
    """The input could not be read as an image."""


class EmptyFileError(ImageLoadError):
    pass


class NotAnImageError(ImageLoadError):
    pass


class TruncatedImageError(ImageLoadError):
    pass


class ExtensionMismatchError(ImageLoadError):
    """The file's extension names one format and its bytes are another."""


class ImageTooLargeError(ImageLoadError):
    """Over the configured pixel cap, or a decompression bomb."""


class DicomError(ImageLoadError):
    """A DICOM file that has no usable pixel data or uses an unsupported transfer syntax."""


class FileWriteError(ArgusError):
    """An output file that could not be written (a full disk, no permission, a read-only file system);
    the message names the file and the reason, and the previous file is left as it was."""


class ToolInputError(ArgusError):
    """Arguments to a tool that fail its input model."""


class BackendUnavailableError(ArgusError):
    """A backend whose package or weights are not present here; the message says how to get them."""


class ToolTimeoutError(ArgusError):
    """A tool ran past its time limit."""
