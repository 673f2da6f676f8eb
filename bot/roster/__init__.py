"""The roster: /roster, /shift, roster sheets, /swap and its buttons."""
