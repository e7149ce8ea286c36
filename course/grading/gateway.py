"""``course autograde --cluster NAME``: grade on a running dask-gateway cluster.

``--cluster`` takes either a Dask scheduler address (``tcp://10.0.0.5:8786``,
``10.0.0.5:8786``: it has a ``:``) or a dask-gateway cluster name (``course.4f2c...``, as
``Gateway().list_clusters()`` shows it: no ``:``, no ``/``). A bare word is never a scheduler
address (Dask needs a port), so the two cannot be confused.

For a cluster name, where the gateway is and how to log in to it come from Dask's
configuration, as for every dask-gateway client: ``gateway.address`` (environment variable
``DASK_GATEWAY__ADDRESS``), ``gateway.proxy-address`` (``DASK_GATEWAY__PROXY_ADDRESS``),
``gateway.auth.type`` and ``gateway.auth.kwargs`` (``DASK_GATEWAY__AUTH__TYPE``, e.g.
``jupyterhub`` or ``basic``). On a DaskHub, JupyterHub sets these in every user server.

``dask_gateway`` is imported only here, and only when ``--cluster`` names a gateway cluster.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from course.grading.config import GradingError


def is_cluster_name(value: object) -> bool:
    """Whether ``--cluster VALUE`` names a dask-gateway cluster (not a scheduler address)."""
    return isinstance(value, str) and bool(value) and ":" not in value and "/" not in value


def _address() -> str:
    import dask.config

    address = dask.config.get("gateway.address", None)
    if not address:
        raise GradingError(
            "--cluster names a dask-gateway cluster, but no gateway address is configured: "
            "set DASK_GATEWAY__ADDRESS (Dask config gateway.address), e.g. "
            "http://gateway.example.org:8000, or pass a scheduler address such as "
            "tcp://10.0.0.5:8786")
    return str(address)


def _why(error: BaseException) -> str:
    """A short reason for a failed gateway request."""
    status = getattr(error, "status", None)
    if status in (401, 403):
        return (f"the gateway refused the login (HTTP {status}); check "
                "DASK_GATEWAY__AUTH__TYPE and its kwargs")
    if isinstance(error, OSError):
        return f"cannot reach the gateway ({error})"
    return f"{type(error).__name__}: {error}"


def open_client(name: str) -> tuple[Any, Callable[[], None]]:
    """Connect to the running gateway cluster ``name``; return its ``distributed.Client`` and
    a function that closes the client and the gateway connection (the cluster keeps running)."""
    from dask_gateway import Gateway

    address = _address()
    where = f"dask-gateway cluster {name!r} at {address}"
    try:
        gateway = Gateway(address)
    except Exception as error:  # noqa: BLE001 - a bad address or auth setting
        raise GradingError(f"cannot use the {where}: {_why(error)}") from error
    try:
        names = {c.name: c.status.name.lower() for c in gateway.list_clusters()}
        if name not in names:
            known = ", ".join(f"{n} ({s})" for n, s in sorted(names.items())) or "none"
            raise GradingError(f"no {where}; your active clusters there: {known}")
        cluster = gateway.connect(name, shutdown_on_close=False)
        client = cluster.get_client(set_as_default=False)
    except GradingError:
        close_gateway(gateway)
        raise
    except Exception as error:  # noqa: BLE001 - aiohttp and gateway errors, named below
        close_gateway(gateway)
        raise GradingError(f"cannot connect to the {where}: {_why(error)}") from error

    def close() -> None:
        client.close()
        close_cluster(cluster)
        close_gateway(gateway)

    return client, close


def close_gateway(gateway: Any) -> None:
    """Close a synchronous ``dask_gateway.Gateway`` for good, without the traceback its
    garbage collection would print.

    In dask-gateway 2026.3.0 (``dask_gateway/client.py``) ``Gateway.close()`` is not
    idempotent: it reads ``self.loop``, and distributed's ``LoopRunner.loop`` raises
    ``RuntimeError("Accessing the loop property while the loop is not running is not
    supported")`` once the loop has stopped, which the first ``close()`` did. ``__del__``
    calls ``close()`` again whenever the object still has a ``_loop_runner`` attribute, so
    every closed gateway printed "Exception ignored in: <function Gateway.__del__>" when
    collected. No public call avoids it: ``with Gateway(...)`` closes in ``__exit__`` and
    ``__del__`` closes again; ``GatewayCluster.close(shutdown=False)`` closes the cluster's own
    ``Gateway`` the same way; ``asynchronous=True`` skips ``__del__`` but needs our own event
    loop and an asynchronous ``distributed.Client``. So the closed gateway forgets its loop
    runner, which is what ``__del__`` checks for. ``tests/unit/test_gateway_close.py`` fails
    when this stops being needed or stops working."""
    gateway.close()
    gateway.__dict__.pop("_loop_runner", None)


def close_cluster(cluster: Any) -> None:
    """Close a ``GatewayCluster`` object (the cluster keeps running unless it was made with
    ``shutdown_on_close=True``) and, as :func:`close_gateway` does, the ``Gateway`` that
    ``GatewayCluster`` makes for itself and closes in ``close()``."""
    cluster.close()
    cluster.gateway.__dict__.pop("_loop_runner", None)
