"""The ``graphsvc`` command: one module per command group, ``common`` for what they share
(opening the store, exit codes, errors), ``main`` assembles them."""
