"""The generated question suite: scenes drawn with known truth (``draw_*``, ``imaging``), questions
dealt from templates in twelve families (``forms_*``), and the suite writer (``suite``).

``argus eval generate --seed 0 --out DIR`` or ``python -m argus.agent.evaluation.generate`` writes it;
the copy shipped in ``suites/generated`` is seed 0, and a test regenerates it and compares.
"""
