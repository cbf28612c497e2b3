"""Throughput benchmarks, each figure beside a raw ceiling measured in the same run.

Run ``python -m bench`` from the repository root (``make bench``). Every figure is the real
system doing the real work (uvicorn subprocesses, SQLite files, a nats-server); its ceiling is
the rawest way to do the same I/O on the same machine at the same moment, so the ratio says how
much of the hardware the code leaves on the table, whatever the machine.
"""
