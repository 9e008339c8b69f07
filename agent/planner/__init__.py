"""The built-in planner: a LangChain chat model that routes questions to tools without an LLM.

``model.PlannerChatModel`` is the chat model; ``intents``, ``slots``, ``plans`` and ``compose`` are
its parts. Importing this package loads neither LangChain nor a model.
"""
