"""Sockets for Nestor (see the modules); kept empty so that importing
``nestor.transport.route`` from the sans-I/O engine pulls in no socket code."""
