"""/fix_hold: a supervisor corrects a hold's start or end, with a reason, audited."""
