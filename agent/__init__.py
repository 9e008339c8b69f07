"""The agent: questions about an image in, answers that cite their evidence out.

Split by job, each layer importing only those before it (``tests/test_layers.py`` checks)::

    core/       the domain-neutral engine: answer contract, evidence ledger, facts, toolbox, loop,
                answer builder, verifier
    llm/        chat-model backends behind one factory
    planner/    the built-in planner that stands in for a chat model
    domains/    medical (triage) and security (zones, tracking): each domain's policy and workflows
    assistant   Assistant and Conversation, which wire the parts together
    service/    the HTTP API; client.py its Python client
    evaluation/ `argus eval` and the shipped suites; bench/ every benchmark
    commands/   the CLI's command groups (only ``argus.cli`` imports them)

The public API is ``argus.__all__``. Importing this package loads no model and no heavy library.
"""
