"""The built-in planner: reads a question into a typed program and has it answered, without an LLM.

``turn.planner_turn`` answers a question with no LLM configured; ``model.PlannerChatModel`` is the same
planner as a LangChain chat model, for the agent loop; ``parser``, ``intents``, ``slots`` and ``mentions``
are its parts. Importing this package loads neither LangChain nor a model.
"""
