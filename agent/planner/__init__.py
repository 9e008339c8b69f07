"""The built-in planner: reads a question into a typed program and has it answered, without an LLM.

``turn.planner_turn`` answers a question with no LLM configured; ``model.PlannerChatModel`` is the same
planner as a LangChain chat model, for the agent loop. ``normalize``, ``phrasing`` and ``clauses`` bring a
question to its plain direct form; ``parser`` reads that into a program with ``mentions`` (the things
named), ``slots`` (facts stated, privacy requests) and ``intents`` (the embedding fallback). Importing this
package loads neither LangChain nor a model.
"""
