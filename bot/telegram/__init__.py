"""python-telegram-bot plumbing: the handler context, the gate, exactly-once, answers, routes, buttons, sending from the outbox."""
