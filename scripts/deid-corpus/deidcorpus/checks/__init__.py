"""The checker's parts: each module checks one property of a de-identified set against PS3.15."""
