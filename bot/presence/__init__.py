"""Evidence of presence: the hand-back nudge, and the unanswered stretches flagged to supervisors."""
