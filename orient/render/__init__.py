"""Renderings of an Answer: French text for the terminal, the patient's handout."""
