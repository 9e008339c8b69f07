"""Argus as an MCP server: ``argus mcp`` on stdio, and ``/mcp`` (streamable HTTP) in ``argus serve``."""
